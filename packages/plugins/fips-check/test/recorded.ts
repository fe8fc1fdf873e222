/**
 * Outputs recorded from real images, so the suite is judged on what openssl actually prints.
 * Each name says which image printed it.
 */

/** Upstream OpenSSL 3 with the FIPS module installed and `default_properties = fips=yes`. */
export const PROVIDERS_FIPS_AND_BASE = `Providers:
  base
    name: OpenSSL Base Provider
    version: 3.5.1
    status: active
  fips
    name: OpenSSL FIPS Provider
    version: 3.1.2
    status: active
`;

/** UBI 9 on a host booted with fips=1: the vendor's provider name, still id `fips`. */
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

/** Debian bookworm: the default provider only. */
export const PROVIDERS_DEFAULT_ONLY = `Providers:
  default
    name: OpenSSL Default Provider
    version: 3.0.15
    status: active
`;

/** The FIPS module is configured but its self-test failed, so it is listed as inactive. */
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

export const MD5_COMPUTED = 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n';

export const MD5_REFUSED_STDERR = `Error setting digest
40D7E2B8C17F0000:error:0308010C:digital envelope routines:inner_evp_generic_fetch:unsupported:crypto/evp/evp_fetch.c:373:Global default library context, Algorithm (MD5 : 102), Properties (<null>)
40D7E2B8C17F0000:error:03000086:digital envelope routines:evp_md_init_internal:initialization error:crypto/evp/digest.c:254:
`;

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const SHA256_OF_DEV_NULL = `SHA2-256(/dev/null)= ${EMPTY_SHA256}\n`;

export const OPENSSL_NOT_FOUND_STDERR =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "openssl": executable file not found in $PATH: unknown\n';

export const FIPS_FLAG_MISSING_STDERR = 'cat: /proc/sys/crypto/fips_enabled: No such file or directory\n';
