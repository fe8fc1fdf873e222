/**
 * Outputs of Amazon Linux 2, UBI 9 / RHEL 9 and Amazon Linux 2023 images. None of these images can
 * be pulled here, so they are taken from public transcripts of the same commands (the
 * /etc/os-release files and fips-mode-setup messages as those systems print them).
 */

export const OS_RELEASE_AL2 = `NAME="Amazon Linux"
VERSION="2"
ID="amzn"
ID_LIKE="centos rhel fedora"
VERSION_ID="2"
PRETTY_NAME="Amazon Linux 2"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2"
HOME_URL="https://amazonlinux.com/"
SUPPORT_END="2026-06-30"
`;

export const OS_RELEASE_AL2023 = `NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.6.20241121"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
HOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"
DOCUMENTATION_URL="https://docs.aws.amazon.com/linux/"
SUPPORT_URL="https://aws.amazon.com/premiumsupport/"
BUG_REPORT_URL="https://github.com/amazonlinux/amazon-linux-2023"
VENDOR_NAME="AWS"
VENDOR_URL="https://aws.amazon.com/"
SUPPORT_END="2029-06-30"
`;

export const OS_RELEASE_UBI9 = `NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://issues.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.4
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
`;

/** fipsyard/fips-base (recorded). */
export const OS_RELEASE_TRIXIE = `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.8
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

/** `openssl version` on Amazon Linux 2. */
export const AL2_OPENSSL_VERSION = 'OpenSSL 1.0.2k-fips  26 Jan 2017\n';
/** `openssl version` on fipsyard/fips-base (recorded). */
export const TRIXIE_OPENSSL_VERSION = 'OpenSSL 3.5.9 29 Sep 2026 (Library: OpenSSL 3.5.9 29 Sep 2026)\n';

export const DRACUT_FIPS_INSTALLED = 'dracut-fips-033-535.amzn2.1.3.x86_64\n';
/** rpm -q prints this on stdout and exits 1. */
export const DRACUT_FIPS_MISSING = 'package dracut-fips is not installed\n';

/** `openssl md5 /dev/null` with OPENSSL_FIPS=1 on OpenSSL 1.0.2k-fips (exit 1). */
export const AL2_MD5_REFUSED_STDERR = `Error setting digest md5
140062948484000:error:060A80A3:digital envelope routines:FIPS_DIGESTINIT:disabled for fips:fips_md.c:180:
`;
export const AL2_MD5_COMPUTED = 'MD5(/dev/null)= d41d8cd98f00b204e9800998ecf8427e\n';

/** `fips-mode-setup --check` in a UBI 9 container on a host booted with fips=1 (exit 1). */
export const FIPS_MODE_SETUP_ENABLED = 'Installation of FIPS modules is not completed.\nFIPS mode is enabled.\nInconsistent state detected.\n';
/** The same on a host without fips=1 (exit 2). */
export const FIPS_MODE_SETUP_DISABLED = 'Installation of FIPS modules is not completed.\nFIPS mode is disabled.\n';
