"""Background work (ui.workers): a task whose window is gone by the time it ends — the program
quitting while re-scoring runs — ends quietly instead of raising on the pool thread."""

from __future__ import annotations

import shiboken6

from ui.workers import Cancelled, TaskSignals, TaskState, _Runnable


def _runnable(fn) -> tuple[_Runnable, TaskSignals, list]:
    sig = TaskSignals()
    got: list = []
    sig.finished.connect(lambda r: got.append(("finished", r)))
    sig.failed.connect(lambda e: got.append(("failed", e)))
    sig.cancelled.connect(lambda: got.append(("cancelled",)))
    return _Runnable(fn, TaskState(sig), sig), sig, got


def test_results_reach_the_window(qapp) -> None:
    run, _, got = _runnable(lambda state: 42)
    run.run()
    assert got == [("finished", 42)]
    run, _, got = _runnable(lambda state: 1 / 0)
    run.run()
    assert got[0][0] == "failed" and isinstance(got[0][1], ZeroDivisionError)

    def cancelled(state):
        raise Cancelled()

    run, _, got = _runnable(cancelled)
    run.run()
    assert got == [("cancelled",)]


def test_a_task_whose_window_is_gone_ends_quietly(qapp) -> None:
    """Its signals were deleted with the window: finishing, failing or being cancelled then
    tells nobody and raises nothing (it used to raise RuntimeError on the pool thread)."""

    def cancelled(state):
        raise Cancelled()

    for fn in (lambda state: 42, lambda state: 1 / 0, cancelled):
        run, sig, got = _runnable(fn)
        shiboken6.delete(sig)
        run.run()  # no RuntimeError: "Signal source has been deleted"
        assert got == []
