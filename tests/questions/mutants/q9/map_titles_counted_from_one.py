"""plot_feature_maps numbers the channels from 1 in its titles (as the seed's 'Map {i+1}'), so the
axes titled 'features.relu1 #1' shows channel 0: every title names the wrong map."""

MODULE = "feature_maps"
LOSES = ["q9.4"]

_published_plot_feature_maps = plot_feature_maps


def plot_feature_maps(maps, path, per_layer=8):
    fig = _published_plot_feature_maps(maps, path, per_layer)
    cells = [(name, c) for name in maps for c in range(per_layer)]
    for ax, (name, c) in zip(fig.axes, cells):
        ax.set_title(f"{name} #{c + 1}", fontsize=7)
    fig.savefig(path, dpi=100)
    return fig
