"""Shared setup of the proposal and publishing tests: a cohort in matching, its people and its first run."""

import pytest

from matching import services
from tests.matching.cohort_helpers import four_people, matching_cohort


@pytest.fixture
def cohort():
    return matching_cohort()


@pytest.fixture
def people(cohort):
    """Ana-Ben and Chloé-Dan pair; Eve wants what nobody offers (see `four_people`)."""
    return four_people(cohort)


@pytest.fixture
def run(cohort, people, program_admin):
    return services.match_run_start(cohort=cohort, started_by=program_admin)
