"""A busy server must not deadlock between its thread pool and its connection pool."""

from __future__ import annotations

import asyncio


async def test_a_burst_of_authenticated_requests_larger_than_every_pool_completes(aclient, make):
    school = make.school()
    child = make.pupil(school.group)
    guardian = make.guardian(child)
    headers = make.headers(guardian)
    # More than the thread pool (40) and the connection pool (20 + 40 overflow on SQLite, 10 + 20 on PostgreSQL).
    answers = await asyncio.wait_for(
        asyncio.gather(*[aclient.get(f"/api/v1/pupils/{child.id}", headers=headers) for _ in range(150)]), timeout=120
    )
    assert [a.status_code for a in answers] == [200] * 150
