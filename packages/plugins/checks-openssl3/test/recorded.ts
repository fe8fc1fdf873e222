/**
 * Outputs recorded from real images, so the checks are judged on what openssl actually prints.
 * Unless a comment says otherwise, they come from fipsyard/fips-base (Debian trixie, OpenSSL 3.5.9
 * with openssl-provider-fips), run as `docker run --rm --network none IMAGE ...` on 2026-12-03.
 */

/** `openssl list -providers` with the FIPS recipe: fips and base active, default off. */
export const PROVIDERS_FIPS_BASE = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.5.9
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: 3.5.9
    status: active
`;

/** Plain OpenSSL: the same image with OPENSSL_CONF=/dev/null, so only the implicit default provider. */
export const PROVIDERS_DEFAULT_ONLY = `Providers:
  default
    name: OpenSSL Default Provider
    version: 3.5.9
    status: active
`;

/** fips.so removed (or `activate = 0` in fips_sect): exit code 0, and only base is listed. */
export const PROVIDERS_BASE_ONLY = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.5.9
    status: active
`;

/** A config that activates default beside fips and base. */
export const PROVIDERS_DEFAULT_BESIDE_FIPS = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.5.9
    status: active
  default
    name: OpenSSL Default Provider
    version: 3.5.9
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: 3.5.9
    status: active
`;

/**
 * OpenSSL 3.0.9 whose FIPS provider loaded but failed its self-test, so it reports itself
 * inactive. (3.5.9 lists only activated providers, so this one comes from the earlier fixture set.)
 */
export const PROVIDERS_FIPS_INACTIVE = `Providers:
  default
    name: OpenSSL Default Provider
    version: 3.0.9
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: 3.0.9
    status: inactive
`;

/** UBI 9 on a host booted with fips=1 (earlier fixture set; no UBI image here): the vendor's provider name, still id `fips`. */
export const PROVIDERS_RHEL9_FIPS = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.0.7
    status: active
  fips
    name: Red Hat Enterprise Linux 9 - OpenSSL FIPS Provider
    version: 3.0.7-395c1a240fbfffd8
    status: active
`;

export const MD5_REFUSED_STDERR = `Error setting digest
40773FD8BF7F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:376:Global default library context, Algorithm (MD5 : 99), Properties ()
40773FD8BF7F0000:error:03000086:digital envelope routines:evp_md_init_internal:initialization error:../crypto/evp/digest.c:271:
`;
export const MD5_COMPUTED = 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n';

export const SM3_REFUSED_STDERR = `Error setting digest
40A7B6B4F87F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:376:Global default library context, Algorithm (SM3 : 95), Properties ()
40A7B6B4F87F0000:error:03000086:digital envelope routines:evp_md_init_internal:initialization error:../crypto/evp/digest.c:271:
`;
export const SM3_COMPUTED = 'SM3(/dev/null)= 1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b\n';

export const CHACHA20_REFUSED_STDERR = `Error setting cipher ChaCha20
405778A5D47F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:376:Global default library context, Algorithm (ChaCha20 : 0), Properties ()
`;

export const SHA256_OF_EMPTY = 'SHA2-256(/dev/null)= e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n';
export const SHA512_OF_EMPTY =
  'SHA2-512(/dev/null)= cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\n';
/** SHA-256 with the FIPS provider unable to load (the fail-closed probe's corrupted config). */
export const SHA256_REFUSED_STDERR = `Error setting digest
40976FC4FA7F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:../crypto/evp/evp_fetch.c:376:Global default library context, Algorithm (SHA256 : 101), Properties ()
40976FC4FA7F0000:error:03000086:digital envelope routines:evp_md_init_internal:initialization error:../crypto/evp/digest.c:271:
`;

/** `openssl version -d -m`. */
export const VERSION_DIRS = 'OPENSSLDIR: "/usr/lib/ssl"\nMODULESDIR: "/usr/lib/x86_64-linux-gnu/ossl-modules"\n';
/** `openssl version -d -m` on OpenSSL 1.0.2k-fips, which has no -m (usage line of apps/version.c). */
export const VERSION_DIRS_OPENSSL_102_STDERR = 'usage:version -[avbofpd]\n';

/** /usr/lib/ssl/openssl.cnf (a symlink to /etc/ssl/openssl.cnf). */
export const OPENSSL_CNF_FIPS = `# OpenSSL 3 configuration enforcing the FIPS provider.
# Every program that loads the default config gets only FIPS-approved algorithms.
config_diagnostics = 1
openssl_conf = openssl_init
# Node.js reads only this section unless started with --openssl-shared-config.
nodejs_conf = openssl_init

.include /usr/lib/ssl/fipsmodule.cnf

[openssl_init]
providers = provider_sect
alg_section = algorithm_sect

[provider_sect]
fips = fips_sect
base = base_sect

[base_sect]
activate = 1

[algorithm_sect]
default_properties = fips=yes
`;

/** The beginning of Debian's stock openssl.cnf: the FIPS include is only a comment. */
export const OPENSSL_CNF_STOCK = `#
# OpenSSL example configuration file.
# See doc/man5/config.pod for more info.
#
# This is mostly being used for generation of certificate requests,
# but may be used for auto loading of providers

# Note that you can include other files from the main configuration
# file using the .include directive.
#.include filename

# This definition stops the following lines choking if HOME isn't
# defined.
HOME			= .

 # Use this in order to automatically load providers.
openssl_conf = openssl_init

# Comment out the next line to ignore configuration errors
config_diagnostics = 1

# For FIPS
# Optionally include a file that is generated by the OpenSSL fipsinstall
# application. This file contains configuration data required by the OpenSSL
# fips provider. It contains a named section e.g. [fips_sect] which is
# referenced from the [provider_sect] below.
# Refer to the OpenSSL security policy for more information.
# .include fipsmodule.cnf

[openssl_init]
# providers = provider_sect
`;

/** /usr/lib/ssl/fipsmodule.cnf as written by `openssl fipsinstall` (3.5.9). */
export const FIPSMODULE_CNF = `[fips_sect]
activate = 1
install-version = 1
conditional-errors = 1
security-checks = 1
hmac-key-check = 0
kmac-key-check = 0
tls1-prf-ems-check = 0
no-short-mac = 0
drbg-no-trunc-md = 0
signature-digest-check = 0
hkdf-digest-check = 0
tls13-kdf-digest-check = 0
tls1-prf-digest-check = 0
sshkdf-digest-check = 0
sskdf-digest-check = 0
x963kdf-digest-check = 0
dsa-sign-disabled = 0
tdes-encrypt-disabled = 0
rsa-pkcs15-pad-disabled = 0
rsa-pss-saltlen-check = 0
rsa-sign-x931-pad-disabled = 0
hkdf-key-check = 0
kbkdf-key-check = 0
tls13-kdf-key-check = 0
tls1-prf-key-check = 0
sshkdf-key-check = 0
sskdf-key-check = 0
x963kdf-key-check = 0
x942kdf-key-check = 0
pbkdf2-lower-bound-check = 1
ecdh-cofactor-check = 0
module-mac = 23:F5:1F:F4:32:6E:32:6D:22:7D:CB:C3:96:F5:A0:95:63:C7:5E:35:38:B3:8C:60:C9:E1:F5:FA:A8:EE:74:5C
`;

/** `openssl fipsinstall -module .../fips.so -in /usr/lib/ssl/fipsmodule.cnf -verify`: both go to stderr. */
export const VERIFY_PASSED_STDERR = 'VERIFY PASSED\n';
/** The same with the module-mac's first byte changed (23 -> DC). */
export const VERIFY_FAILED_STDERR = 'Module integrity mismatch\nVERIFY FAILED\n';

export const OPENSSL_NOT_FOUND_STDOUT =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "openssl": executable file not found in $PATH: unknown\r\n';
