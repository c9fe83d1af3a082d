"""JupyterLab: rich tables and the explorer panel."""
from gstk.jupyter.display import (
    Table,
    column_label,
    contact_caption,
    contact_table,
    html_table,
    readable_frame,
    rich_html,
    station_caption,
    station_table,
    use_rich_tables,
)
from gstk.jupyter.explorer import (
    DEFAULT_START,
    OBJECTIVES,
    Explorer,
    Settings,
    band_choices,
    explore,
    figure_png,
    gantt_png,
    network_png,
    problem_specs,
    satellite_report,
    status_line,
)

__all__ = [
    "column_label", "readable_frame", "html_table", "Table", "station_caption", "station_table",
    "contact_caption", "contact_table", "rich_html", "use_rich_tables", "OBJECTIVES", "DEFAULT_START",
    "Settings", "problem_specs", "band_choices", "figure_png", "network_png", "gantt_png", "satellite_report",
    "status_line", "Explorer", "explore",
]
