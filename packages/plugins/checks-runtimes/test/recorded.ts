import { readFileSync } from 'node:fs';
import type { Answer } from '@fipsyard/plugin-api/testing';

/**
 * What the runtimes answered in the fipsyard developer images (Debian trixie, OpenSSL 3.5.9 with
 * the FIPS provider), run with `docker run --rm --network none IMAGE ...` on 2026-12-03, unless a
 * comment says otherwise. Probes print one JSON line; these are those lines.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const json = (o: unknown): Answer => ({ stdout: `${JSON.stringify(o)}\n` });

// --- node (fipsyard/node-dev: Debian's nodejs, shared system OpenSSL, nodejs_conf in openssl.cnf)

export const NODE_REFUSED = json({ version: 'v20.19.2', openssl: '3.5.9', shared: true, fips: 1, md5: 'refused: error:0308010C:digital envelope routines::unsupported' });
/** The same image with OPENSSL_CONF=/dev/null: getFips 0 and MD5 computed. */
export const NODE_COMPUTED_SHARED = json({ version: 'v20.19.2', openssl: '3.5.9', shared: true, fips: 0, md5: 'computed' });
/** An official nodejs.org build (its own bundled OpenSSL); not recorded here, shaped as node-dev's answer. */
export const NODE_COMPUTED_BUNDLED = json({ version: 'v22.12.0', openssl: '3.0.15+quic', shared: false, fips: 0, md5: 'computed' });
/** node-dev with a misspelt flag in NODE_OPTIONS: node refuses to start (exit 9). */
export const NODE_BAD_OPTIONS: Answer = { exitCode: 9, stdout: '', stderr: 'node: --openssl-legacy-provdier is not allowed in NODE_OPTIONS\n' };

// --- python (fipsyard/python-dev: Debian's python3 3.13)

/** python-dev, whose .pth hook disables the built-in fallback: both paths refuse MD5. */
export const PY_BOTH_REFUSED: Answer = {
  stdout:
    '{"version": "3.13.5", "fips_mode": 1, "openssl_md5": "refused: [digital envelope routines] unsupported", "hashlib_md5": "refused: [digital envelope routines] unsupported: md5 is not FIPS-approved (built-in fallback disabled)"}\n',
};
/** Stock CPython (python3 -S, so without that hook): OpenSSL refuses, hashlib.md5 falls back to _md5. */
export const PY_FALLBACK: Answer = { stdout: '{"version": "3.13.5", "fips_mode": 1, "openssl_md5": "refused: [digital envelope routines] unsupported", "hashlib_md5": "computed by _md5.md5"}\n' };
/** OPENSSL_CONF=/dev/null: no FIPS at all. */
export const PY_PLAIN: Answer = { stdout: '{"version": "3.13.5", "fips_mode": 0, "openssl_md5": "computed", "hashlib_md5": "computed by _hashlib.HASH"}\n' };
/** A CPython built without OpenSSL (recorded by hiding _hashlib; the message is the import error such a build gives). */
export const PY_NO_HASHLIB: Answer = { stdout: '{"version": "3.13.5", "hashlib_openssl": "missing: No module named \'_hashlib\'", "hashlib_md5": "computed by _md5.md5"}\n' };
/** Python 3.8 (no _hashlib.get_fips_mode): the probe dies before printing (not recorded here). */
export const PY_38_CRASH: Answer = {
  exitCode: 1,
  stdout: '',
  stderr: 'Traceback (most recent call last):\n  File "<string>", line 5, in <module>\nAttributeError: module \'_hashlib\' has no attribute \'get_fips_mode\'\n',
};

// --- java

/** fipsyard/java-dev: Debian's OpenJDK 21, stock providers, SUN first (all 643 lines of stderr). */
export const JAVA_21_STOCK_STDERR = fixture('openjdk-21-providers.stderr.txt').toString('utf8');

/**
 * A java.security listing BCFIPS then BCJSSE only, in JDK 21's format (BC-FIPS cannot be
 * installed offline here, so the services are an abridged list of what BCFIPS registers).
 */
export const JAVA_BCFIPS_STDERR = `    Security provider static configuration: (in order of preference)
        ----------------------------------------
        Provider name: BCFIPS
        Provider information: BouncyCastle Security Provider (FIPS edition) v2.0.0
        Provider services: (type : algorithm)
            Cipher.AES
              aliases: [2.16.840.1.101.3.4.1]
            KeyStore.BCFKS
            Mac.HMACSHA256
              aliases: [HMAC-SHA256, HMAC/SHA256, 1.2.840.113549.2.9]
            MessageDigest.SHA-256
              aliases: [SHA256, 2.16.840.1.101.3.4.2.1]
            MessageDigest.SHA-384
            MessageDigest.SHA-512
            MessageDigest.SHA3-256
            SecureRandom.DEFAULT
            Signature.SHA256WITHRSA
        ----------------------------------------
        Provider name: BCJSSE
        Provider information: Bouncy Castle JSSE Provider Version 2.0.19
        Provider services: (type : algorithm)
            KeyManagerFactory.PKIX
            SSLContext.TLS
            SSLContext.TLSv1.2
            SSLContext.TLSv1.3
            TrustManagerFactory.PKIX

openjdk version "21.0.13" 2026-10-20
OpenJDK Runtime Environment (build 21.0.13+9-1-deb13u2-Debian)
OpenJDK 64-Bit Server VM (build 21.0.13+9-1-deb13u2-Debian, mixed mode, sharing)
`;

/**
 * OpenJDK 11 before the "security" category existed: LauncherHelper falls back to the VM,
 * property and locale settings, and prints no provider list (shape from its source, abridged).
 */
export const JAVA_11_NO_PROVIDERS_STDERR = `VM settings:
    Max. Heap Size (Estimated): 1.94G
    Using VM: OpenJDK 64-Bit Server VM

Property settings:
    file.encoding = ANSI_X3.4-1968
    java.home = /usr/lib/jvm/java-11-openjdk-amd64
    java.version = 11.0.19
    java.vm.vendor = Debian

Locale settings:
    default locale = English
    default display locale = English
    default format locale = English

openjdk version "11.0.19" 2023-04-18
OpenJDK Runtime Environment (build 11.0.19+7-post-Debian-1deb10u1)
OpenJDK 64-Bit Server VM (build 11.0.19+7-post-Debian-1deb10u1, mixed mode, sharing)
`;

// --- go (fipsyard/go-dev: Go 1.24.4)

/**
 * The head of each binary's ELF file and its build-info blob, cut from binaries built in go-dev:
 * /usr/local/bin/fips-hello (GOFIPS140=v1.0.0), and a hello built with GOFIPS140=latest and =off.
 */
export const GO_FIPS_V1 = fixture('go-fips140-v1.0.0.buildinfo');
export const GO_FIPS_LATEST = fixture('go-fips140-latest.buildinfo');
export const GO_NO_FIPS = fixture('go-no-fips.buildinfo');
/** `find /usr/local/bin /usr/local/go/bin /go/bin /app / -maxdepth 1 -type f -perm -u+x -size +512k` in go-dev. */
export const GO_DEV_FIND: Answer = {
  exitCode: 1,
  stdout: '/usr/local/bin/fips-hello\n',
  stderr: "find: '/usr/local/go/bin': No such file or directory\nfind: '/go/bin': No such file or directory\nfind: '/app': No such file or directory\n",
};
/** The same in fipsyard/fips-base: nothing found. */
export const FIPS_BASE_FIND: Answer = { exitCode: 1, stdout: '', stderr: GO_DEV_FIND.stderr ?? '' };
export const FIND =
  'find /usr/local/bin /usr/local/go/bin /go/bin /app / -maxdepth 1 -type f -perm -u+x -size +512k';
/** `go env GOFIPS140 GOVERSION` in go-dev, and with GOFIPS140=off. */
export const GO_ENV_FIPS: Answer = { stdout: 'v1.0.0\ngo1.24.4\n' };
export const GO_ENV_OFF: Answer = { stdout: 'off\ngo1.24.4\n' };
/** Go before 1.24 knows no GOFIPS140 and prints an empty line for it (as go1.24.4 does for an unknown name). */
export const GO_ENV_122: Answer = { stdout: '\ngo1.22.5\n' };

// --- ruby (fipsyard/fips-base with Debian's ruby 3.3.8 installed)

export const RUBY_REFUSED: Answer = { stdout: 'refused: Digest initialization failed: initialization error\n' };
/** The same with OPENSSL_CONF=/dev/null. */
export const RUBY_COMPUTED: Answer = { stdout: 'computed\n' };
/** A ruby without its openssl extension (not recorded here). */
export const RUBY_NO_OPENSSL: Answer = { exitCode: 1, stdout: '', stderr: "<internal:/usr/lib/ruby/3.3.0/rubygems/core_ext/kernel_require.rb>:136:in `require': cannot load such file -- openssl (LoadError)\n" };
