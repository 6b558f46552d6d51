"""A line picturing tempo: `Incidents per month, Aug 2017 to Jul 2018: █·▁··▁·▁▁·▁█`."""

from __future__ import annotations

from rich.text import Text

from sahel_timeline.reports.stats import PeriodSeries, coarsen, sparkline

SPARK_STYLE = "red"


def tempo_line(monthly: PeriodSeries, width: int, noun: str = "Incidents") -> Text:
    """One mark per month of `monthly`, or per quarter or year when the months would not fit
    in `width` columns; the caption says which period and which span."""
    series = monthly
    caption = ""
    for period in ("month", "quarter", "year"):
        series = coarsen(monthly, period)
        caption = _caption(series, noun)
        if len(caption) + len(series.buckets) <= width:
            break
    text = Text(caption, style="dim")
    text.append(sparkline(series.counts), style=SPARK_STYLE)
    return text


def _caption(series: PeriodSeries, noun: str) -> str:
    first, last = series.buckets[0].label, series.buckets[-1].label
    span = first if first == last else f"{first} to {last}"
    return f"{noun} per {series.period}, {span}: "
