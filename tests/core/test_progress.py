"""The one throttle: which progress records reach the GUI, driven by a fake clock."""

from __future__ import annotations

from explorer.core.progress import DEFAULT_INTERVAL, Progress, Throttle


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def record(n: int, keep: bool = False) -> Progress:
    return Progress(done=n, keep=keep)


def done(records: list) -> list:
    return [r.done for r in records]


def test_the_first_record_goes_at_once_and_fast_ones_after_it_wait():
    clock = FakeClock()
    throttle = Throttle(0.05, clock=clock)
    assert done(throttle.offer(record(1))) == [1]
    clock.now += 0.01
    assert throttle.offer(record(2)) == []
    clock.now += 0.01
    assert throttle.offer(record(3)) == []
    assert done(throttle.flush()) == [3]  # only the newest dropped one is kept
    assert throttle.flush() == []


def test_a_record_goes_once_the_interval_has_passed_and_replaces_the_pending_one():
    clock = FakeClock()
    throttle = Throttle(0.05, clock=clock)
    throttle.offer(record(1))
    clock.now += 0.03
    assert throttle.offer(record(2)) == []
    clock.now += 0.03  # 0.06 since the last delivery
    assert done(throttle.offer(record(3))) == [3]
    assert throttle.flush() == []


def test_a_kept_record_always_goes_right_after_the_pending_one():
    clock = FakeClock()
    throttle = Throttle(0.05, clock=clock)
    throttle.offer(record(1))
    clock.now += 0.001
    throttle.offer(record(2))
    clock.now += 0.001
    assert done(throttle.offer(record(3, keep=True))) == [2, 3]
    clock.now += 0.001
    assert done(throttle.offer(record(4, keep=True))) == [4]  # nothing pending: the kept one alone
    clock.now += 0.001
    assert throttle.offer(record(5)) == []  # a kept record counts as a delivery


def test_records_without_a_keep_attribute_are_ordinary():
    clock = FakeClock()
    throttle = Throttle(1.0, clock=clock)
    assert throttle.offer("a") == ["a"]
    assert throttle.offer("b") == []
    assert throttle.flush() == ["b"]


def test_a_stream_faster_than_the_interval_is_thinned_to_about_one_per_interval():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    delivered = []
    for n in range(1000):  # one record a millisecond for a second
        delivered += throttle.offer(record(n, keep=(n % 250 == 249)))
        clock.now += 0.001
    delivered += throttle.flush()
    numbers = done(delivered)
    assert numbers == sorted(numbers) and numbers[-1] == 999
    assert {249, 499, 749, 999} <= set(numbers)
    assert len(numbers) <= 1 / DEFAULT_INTERVAL + 2 * 4 + 1
