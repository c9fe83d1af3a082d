"""Figures: maps, networks, Gantt charts, study and teaching plots (matplotlib, cartopy)."""
from gstk.plots.maps import (
    DEFAULT_FIGSIZE,
    MAP_LAYERS,
    MAP_SCALE,
    antimeridian_segments,
    bundled_map_files,
    coverage_circle,
    map_features,
    natural_earth_shapefile,
    use_offline_map_data,
    world_axes,
)
from gstk.plots.network import contact_gantt, ground_track_map, network_map, station_map
from gstk.plots.study import (
    SERIES,
    claims_cap_figure,
    comparison_figure,
    out_of_sample_figure,
    pareto_figure,
    sensitivity_figure,
    window_statistics_figure,
)
from gstk.plots.style import PROVIDER_COLORS, category_colors, provider_color, require_columns, save_figure
from gstk.plots.teaching import (
    coverage_plot,
    daily_contact_plot,
    elevation_plot,
    latitude_plot,
    orbit_frames_plot,
    pass_histograms,
    pass_volume_plot,
    rate_profile_plot,
    sky_plot,
)

__all__ = [
    "PROVIDER_COLORS", "category_colors", "provider_color", "require_columns", "save_figure", "MAP_SCALE",
    "MAP_LAYERS", "DEFAULT_FIGSIZE", "natural_earth_shapefile", "bundled_map_files", "use_offline_map_data",
    "map_features", "world_axes", "coverage_circle", "antimeridian_segments", "contact_gantt",
    "ground_track_map", "network_map", "station_map", "SERIES", "claims_cap_figure", "comparison_figure", "sensitivity_figure",
    "window_statistics_figure", "out_of_sample_figure", "pareto_figure", "rate_profile_plot", "pass_volume_plot", "orbit_frames_plot",
    "elevation_plot", "sky_plot", "coverage_plot", "latitude_plot", "pass_histograms", "daily_contact_plot",
]
