namespace ClustSeg.Tests.Models;

/// <summary>
/// The checkpoint tensors clustseg.md prescribes (names from "Checkpoints", shapes from the variant table and the
/// fixed details), written out independently of the layer spec so that the spec can be checked against the page.
/// </summary>
internal static class PageCheckpointLayout
{
    public sealed record Variant(int StemWidth, int[] Widths, int[] Depths, int Dim, int Layers, int Hidden, int ThingSeeds);

    public static readonly Variant Tiny = new(32, [32, 64, 128, 256], [1, 1, 1, 1], 64, 3, 256, 50);
    public static readonly Variant Small = new(32, [64, 128, 256, 512], [2, 2, 2, 2], 128, 6, 512, 100);

    /// <summary>(name, shape) pairs, in no particular order. Task: 0 semantic, 1 instance, 2 panoptic.</summary>
    public static List<(string Name, int[] Shape)> Tensors(Variant v, int task, int classes)
    {
        var list = new List<(string, int[])>();
        void Conv(string name, int i, int o, int k, bool bias)
        {
            list.Add(($"{name}.weight", [o, i, k, k]));
            if (bias) list.Add(($"{name}.bias", [o]));
        }
        void Norm(string name, int c)
        {
            list.Add(($"{name}.weight", [c]));
            list.Add(($"{name}.bias", [c]));
        }
        void Linear(string name, int i, int o)
        {
            list.Add(($"{name}.weight", [o, i]));
            list.Add(($"{name}.bias", [o]));
        }

        Conv("backbone.stem.conv1", 3, v.StemWidth, 3, false);
        Norm("backbone.stem.gn1", v.StemWidth);
        Conv("backbone.stem.conv2", v.StemWidth, v.StemWidth, 3, false);
        Norm("backbone.stem.gn2", v.StemWidth);
        var channels = v.StemWidth;
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < v.Depths[i]; j++)
            {
                var prefix = $"backbone.stages.{i}.{j}";
                var stride = j == 0 && i > 0 ? 2 : 1;
                var width = v.Widths[i];
                Conv($"{prefix}.conv1", channels, width, 3, false);
                Norm($"{prefix}.gn1", width);
                Conv($"{prefix}.conv2", width, width, 3, false);
                Norm($"{prefix}.gn2", width);
                if (stride != 1 || channels != width)
                {
                    Conv($"{prefix}.shortcut.conv", channels, width, 1, false);
                    Norm($"{prefix}.shortcut.gn", width);
                }
                channels = width;
            }
        }

        var d = v.Dim;
        for (var i = 0; i < 4; i++) Conv($"pixel_decoder.lateral.{i}", v.Widths[i], d, 1, true);
        for (var i = 0; i < 4; i++)
        {
            Conv($"pixel_decoder.output.{i}.conv", d, d, 3, false);
            Norm($"pixel_decoder.output.{i}.gn", d);
        }
        Conv("pixel_decoder.mask_features", d, d, 1, true);

        list.Add(("decoder.level_embed.weight", [3, d]));
        for (var l = 0; l < v.Layers; l++)
        {
            foreach (var part in new[] { "rcross", "self_attn" })
            {
                foreach (var p in new[] { "q", "k", "v", "o" }) Linear($"decoder.layers.{l}.{part}.{p}", d, d);
                Norm($"decoder.layers.{l}.{part}.norm", d);
            }
            Linear($"decoder.layers.{l}.ffn.fc1", d, v.Hidden);
            Linear($"decoder.layers.{l}.ffn.fc2", v.Hidden, d);
            Norm($"decoder.layers.{l}.ffn.norm", d);
        }

        Linear("heads.class_embed", d, classes + 1);
        for (var i = 0; i < 3; i++) Linear($"heads.mask_embed.layers.{i}", d, d);

        if (task != 1)
        {
            Linear("seeds.class_ffn.fc1", d, v.Hidden);
            Linear("seeds.class_ffn.fc2", v.Hidden, d);
            list.Add(("seeds.bank", [classes, d]));
        }
        if (task != 0)
        {
            list.Add(("seeds.adaptive_logits.weight", [v.ThingSeeds, d, 1, 1]));
            Linear("seeds.adaptive_ffn.fc1", d, v.Hidden);
            Linear("seeds.adaptive_ffn.fc2", v.Hidden, d);
        }
        return list;
    }
}
