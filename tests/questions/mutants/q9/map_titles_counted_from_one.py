"""plot_feature_maps numbers the channels from 1 in its titles (as the seed's 'Map {i+1}'), so the
axes titled 'features.relu1 #1' shows channel 0: every title names the wrong map."""
MODULE = "feature_maps"
LOSES = ["q9.4"]


def plot_feature_maps(maps, path, per_layer=8):
    fig, axes = plt.subplots(len(maps), per_layer, figsize=(1.6 * per_layer, 1.8 * len(maps)),
                             layout="constrained", squeeze=False)
    for row, (name, tensor) in zip(axes, maps.items()):
        for c, ax in enumerate(row):
            ax.imshow(np.asarray(tensor[0, c], dtype=np.float64), cmap="viridis")
            ax.set_title(f"{name} #{c + 1}", fontsize=7)
            ax.axis("off")
    fig.savefig(path, dpi=100)
    return fig
