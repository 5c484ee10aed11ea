"""Made-up people of the demo district: names and mobile numbers from a seeded generator."""

from __future__ import annotations

import random

from app.demo import catalogue


def person_name(rng: random.Random) -> str:
    return rng.choice(catalogue.SURNAMES) + "".join(
        rng.choice(catalogue.GIVEN) for _ in range(rng.randint(1, 2))
    )


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
