"""SciPy's MILP solver (HiGHS), imported without the rest of `scipy.optimize`.

`import scipy.optimize` imports every optimizer SciPy has (minimize, shgo, linprog's
interior point with scipy.linalg.interpolative and scipy.fft...) to reach `milp`:
0.45 s of CPU that holds the GIL, so it delays whatever Python work of a cold brief
runs beside it (measured 0.45 -> 0.2 s by process time, 2 runs each). Here the
package's own `__init__` is skipped for the one import: a stand-in module holds its
place (with the one name the solver's wrapper reads from it) while `_milp` and
`_constraints` are imported, then goes, so that a later `import scipy.optimize` runs
the real one, which reuses those submodules. The same functions either way; any
failure (another SciPy's layout) imports `scipy.optimize` as usual.
"""

from __future__ import annotations

import sys
import threading
import types

_lock = threading.Lock()


def milp_api():
    """(milp, Bounds, LinearConstraint) of scipy.optimize."""
    with _lock:
        if "scipy.optimize" not in sys.modules:
            try:
                return _without_package_init()
            except (ImportError, AttributeError):  # pragma: no cover - another SciPy
                pass
        from scipy.optimize import Bounds, LinearConstraint, milp

        return milp, Bounds, LinearConstraint


def _without_package_init():
    import importlib.util

    import scipy

    spec = importlib.util.find_spec("scipy.optimize")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        raise ImportError("scipy.optimize is not a package here")
    stand_in = types.ModuleType("scipy.optimize")
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__spec__ = spec
    sys.modules["scipy.optimize"] = stand_in
    try:
        from scipy.optimize._optimize import OptimizeWarning

        stand_in.OptimizeWarning = OptimizeWarning  # read by the HiGHS wrapper
        from scipy.optimize._constraints import Bounds, LinearConstraint
        from scipy.optimize._milp import milp
    finally:
        if sys.modules.get("scipy.optimize") is stand_in:
            del sys.modules["scipy.optimize"]
        if vars(scipy).get("optimize") is stand_in:  # (getattr would import the real one: scipy's lazy __getattr__)
            del scipy.optimize
    return milp, Bounds, LinearConstraint
