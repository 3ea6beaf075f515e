using ClustSeg.Runtime.Models;

namespace ClustSeg.Tests.Models;

public class ClustSegCheckpointLayoutTests
{
    public static TheoryData<string, ClustSegTask, int, int> Configurations => new()
    {
        { "clustseg-tiny", ClustSegTask.Panoptic, 133, 80 },
        { "clustseg-tiny", ClustSegTask.Semantic, 150, 0 },
        { "clustseg-tiny", ClustSegTask.Instance, 80, 80 },
        { "clustseg-small", ClustSegTask.Panoptic, 133, 80 },
        { "clustseg-small", ClustSegTask.Semantic, 19, 8 },
        { "clustseg-small", ClustSegTask.Instance, 80, 80 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void NamesAndShapesAreThePagesList(string variant, ClustSegTask task, int classes, int things)
    {
        var model = new ClustSegModel(ClustSegVariant.Find(variant), task, Names(classes), things);
        var expected = PageCheckpointLayout.Tensors(variant == "clustseg-tiny" ? PageCheckpointLayout.Tiny : PageCheckpointLayout.Small, (int)task, classes)
            .Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]")
            .Order(StringComparer.Ordinal);

        var actual = model.Module.StateTensors().Select(t => $"{t.Path} [{string.Join(", ", t.Shape)}]").Order(StringComparer.Ordinal);

        Assert.Equal(expected, actual);
        Assert.Equal(task == ClustSegTask.Instance, model.Bank is null);
    }

    [Fact]
    public void OnlyTheBankIsABufferAndDecayFollowsThePage()
    {
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, Names(133), 80);

        Assert.Equal(["seeds.bank"], model.Module.Buffers().Select(b => b.Path));
        // Conv and linear weights decay; biases, norms and the level embedding do not.
        var decayed = model.Module.Parameters().Where(p => p.WeightDecay).Select(p => p.Path).ToList();
        Assert.Contains("backbone.stem.conv1.weight", decayed);
        Assert.Contains("decoder.layers.2.rcross.q.weight", decayed);
        Assert.DoesNotContain("decoder.level_embed.weight", decayed);
        Assert.DoesNotContain("backbone.stem.gn1.weight", decayed);
        Assert.All(decayed, p => Assert.EndsWith(".weight", p, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ClustSegTask.Semantic, 150, 0, 150)]
    [InlineData(ClustSegTask.Instance, 80, 80, 50)]
    [InlineData(ClustSegTask.Panoptic, 133, 80, 53 + 50)]
    public void CentresFollowDreamyStart(ClustSegTask task, int classes, int things, int centres)
    {
        Assert.Equal(centres, new ClustSegModel(ClustSegVariant.Tiny, task, Names(classes), things).Centres);
    }

    [Fact]
    public void ImpossibleClassCountsAreRefusedWithAFix()
    {
        var error = Assert.Throws<ClustSeg.Runtime.Errors.ClustSegException>(() => new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, Names(5), 5));
        Assert.Contains("at least one stuff class", error.Problem);
        Assert.Throws<ClustSeg.Runtime.Errors.ClustSegException>(() => new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Semantic, Names(3), 4));
        Assert.Contains("clustseg-tiny", Assert.Throws<ClustSeg.Runtime.Errors.ClustSegException>(() => ClustSegVariant.Find("clustseg-huge")).Fix);
    }

    internal static string[] Names(int classes) => Enumerable.Range(0, classes).Select(i => $"c{i}").ToArray();
}
