"""Close CPython's built-in fallbacks for hash algorithms the FIPS provider refuses.

When OpenSSL refuses MD5 (or BLAKE2), hashlib silently falls back to CPython's own
implementations (_md5, _blake2): the process looks FIPS, yet computes MD5. Loaded at start-up
through a .pth file, this module makes those constructors refuse as OpenSSL does. Uses that
declare ``usedforsecurity=False`` (checksums, caches) keep working, as FIPS allows.
"""
import hashlib as _hashlib_mod

try:
    import _hashlib
    _FIPS = _hashlib.get_fips_mode() == 1
except ImportError:  # no OpenSSL binding at all: nothing to align with
    _FIPS = False


def _refused_by_openssl(name):
    try:
        _hashlib.new(name, b"")
        return False
    except ValueError:
        return True


if _FIPS:
    _BLOCKED = frozenset(n for n in _hashlib_mod.algorithms_guaranteed if _refused_by_openssl(n))

    def _refusing(name, builtin):
        def constructor(*args, usedforsecurity=True, **kwargs):
            if not usedforsecurity:
                return builtin(*args, usedforsecurity=False, **kwargs)
            raise ValueError(f"[digital envelope routines] unsupported: {name} is not FIPS-approved (built-in fallback disabled)")
        constructor.__name__ = name
        return constructor

    for _name in _BLOCKED:
        if hasattr(_hashlib_mod, _name):
            setattr(_hashlib_mod, _name, _refusing(_name, getattr(_hashlib_mod, _name)))

    _original_new = _hashlib_mod.new

    def new(name, data=b"", **kwargs):
        if str(name).lower().replace("-", "_") in _BLOCKED and kwargs.get("usedforsecurity", True):
            raise ValueError(f"[digital envelope routines] unsupported: {name} is not FIPS-approved (built-in fallback disabled)")
        return _original_new(name, data, **kwargs)

    _hashlib_mod.new = new
    _hashlib_mod.algorithms_available = frozenset(_hashlib_mod.algorithms_available - _BLOCKED)
