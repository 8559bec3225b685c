"""R4: a right password gives its attempt back, so guardians behind one address (a school's or
a municipality's NAT) who log in in waves are not locked out by each other: three waves of as
many concurrent logins as the per-address limit all get in. (More at the same instant than the
limit are refused: attempts are counted before the password check, see the closing note of
issue 14.)"""

from __future__ import annotations

import asyncio

from tests.server.factories import PASSWORD


async def test_waves_of_concurrent_right_logins_from_one_address_all_get_in(aclient, make, settings):
    school = make.school()
    wave = settings.throttle_address_failures
    for i in range(3 * wave):
        make.guardian(make.pupil(school.group), username=f"nat{i}")

    async def login(i: int) -> int:
        answer = await aclient.post("/api/v1/auth/login", json={"username": f"nat{i}", "password": PASSWORD})
        return answer.status_code

    codes: list[int] = []
    for start in range(0, 3 * wave, wave):
        codes += await asyncio.gather(*(login(i) for i in range(start, start + wave)))
    assert codes == [200] * (3 * wave)
