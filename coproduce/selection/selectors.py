from typing import Any

from django.db.models import QuerySet

from coproduce.recruitment.models import Application, Opportunity

from .models import SelectionRun
from .services import gini


def runs_for(opportunity: Opportunity) -> QuerySet[SelectionRun]:
    return opportunity.selection_runs.select_related("created_by", "job").order_by("-created_at")


def run_summary(run: SelectionRun) -> dict[str, Any]:
    """What anyone may see of a finished run: chances without names, and the panel's mix
    against the quotas."""
    chances = sorted(run.probabilities.values())
    # Bars are scaled to the highest chance so small differences still show.
    scale = 100 / chances[-1] if chances and chances[-1] > 0 else 0
    counts = run.feature_counts or {}
    quota_rows = [
        {**quota, "selected": counts.get(quota["feature"], {}).get(quota["value"], 0)}
        for quota in run.quotas
    ]
    return {
        "chances": [
            {
                "rank": rank,
                "chance": chance,
                "percent": round(chance * 100, 1),
                "bar": round(chance * scale, 2),
                "top": round(100 - chance * scale, 2),
            }
            for rank, chance in enumerate(chances, start=1)
        ],
        "lowest": chances[0] if chances else 0.0,
        "highest": chances[-1] if chances else 0.0,
        "gini": round(gini(chances), 3),
        "pool_size": len(chances),
        "quota_rows": quota_rows,
    }


def run_people(run: SelectionRun) -> dict[str, list[Application]]:
    """Staff only: the panel and the reserves in order, by name."""
    ids = [int(key) for key in (*run.selected, *run.reserves)]
    found = Application.objects.in_bulk(ids)
    return {
        "panel": [found[int(key)] for key in run.selected if int(key) in found],
        "reserves": [found[int(key)] for key in run.reserves if int(key) in found],
    }
