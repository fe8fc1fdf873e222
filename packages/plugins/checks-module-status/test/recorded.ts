/**
 * `openssl list -providers` and `openssl version` as images print them. The 3.5.9 block is
 * recorded from fipsyard/fips-base (Debian trixie); the other OpenSSL 3 blocks are the same output
 * with the FIPS provider of that version (the format does not change between 3.x releases).
 */
const providers = (fipsVersion: string, base = '3.5.9') => `Providers:
  base
    name: OpenSSL Base Provider
    version: ${base}
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: ${fipsVersion}
    status: active
`;

/** Debian trixie's own fips.so: FIPS behaviour, not a validated module. */
export const PROVIDERS_TRIXIE_359 = providers('3.5.9');
/** The 140-3 validated upstream provider (cert #4985) loaded by a newer libcrypto. */
export const PROVIDERS_312 = providers('3.1.2');
/** The 140-2 provider (cert #4282), historical since 2026-09-21. */
export const PROVIDERS_308 = providers('3.0.8', '3.0.8');
/** The provider still in review. */
export const PROVIDERS_354 = providers('3.5.4', '3.5.4');

/** Plain OpenSSL (fips-base with OPENSSL_CONF=/dev/null, recorded). */
export const PROVIDERS_DEFAULT_ONLY = `Providers:
  default
    name: OpenSSL Default Provider
    version: 3.5.9
    status: active
`;

/** UBI 9 on a FIPS host (earlier fixture set): a vendor-built provider with its own certificate. */
export const PROVIDERS_RHEL9 = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.0.7
    status: active
  fips
    name: Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider
    version: 3.0.7-395c1a240fbfffd8
    status: active
`;

/**
 * Amazon Linux 2, OpenSSL 1.0.2k-fips: `list` is not a command. apps/openssl.c of 1.0.2 prints
 * this on stderr and exits 0.
 */
export const AL2_LIST_STDERR = `openssl:Error: 'list' is an invalid command.

Standard commands
asn1parse         ca                ciphers           cms               
crl               crl2pkcs7         dgst              dh                
dhparam           dsa               dsaparam          ec                
ecparam           enc               engine            errstr            
gendh             gendsa            genpkey           genrsa            
nseq              ocsp              passwd            pkcs12            
pkcs7             pkcs8             pkey              pkeyparam         
pkeyutl           prime             rand              req               
rsa               rsautl            s_client          s_server          
s_time            sess_id           smime             speed             
spkac             ts                verify            version           
x509              

Message Digest commands (see the \`dgst' command for more details)
md2               md4               md5               rmd160            
sha               sha1              

Cipher commands (see the \`enc' command for more details)
aes-128-cbc       aes-128-ecb       aes-192-cbc       aes-192-ecb       
aes-256-cbc       aes-256-ecb       base64            des               

`;
export const AL2_VERSION = 'OpenSSL 1.0.2k-fips  26 Jan 2017\n';

/** Debian bullseye, OpenSSL 1.1.1: `list` exists but has no -providers. */
export const OPENSSL_111_LIST_STDERR = 'list: Option unknown option -providers\nlist: Use -help for summary.\n';
export const OPENSSL_111_VERSION = 'OpenSSL 1.1.1w  11 Sep 2023\n';

export const OPENSSL_NOT_FOUND_STDOUT =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "openssl": executable file not found in $PATH: unknown\r\n';
