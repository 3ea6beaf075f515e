using ClustSeg.Tests.Support;
using ClustSeg.Cli;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn.Safetensors;

namespace ClustSeg.Tests.Models;

public sealed class ModelCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-model-cli-").FullName;

    [Fact]
    public void InitWritesTheModelsTensorsWithMetadata()
    {
        var path = Path.Combine(_dir, "tiny.safetensors");
        var (code, output, error) = Run("init", "--model", "clustseg-tiny", "--task", "panoptic", "--classes", "6", "--things", "4", "--seed", "3", "-o", path);

        Assert.True(code == 0, error);
        Assert.Contains("tiny.safetensors", output);
        var file = SafetensorsFile.Read(path);
        Assert.Equal("clustseg-tiny", file.Metadata["model"]);
        Assert.Equal("panoptic", file.Metadata["task"]);
        Assert.Equal("""["class_0","class_1","class_2","class_3","class_4","class_5"]""", file.Metadata["class_names"]);
        Assert.Equal("[0,1,2,3]", file.Metadata["thing_ids"]);
        Assert.Equal(ClustSegVariant.Tiny.SpecSha256, file.Metadata["spec_sha256"]);
        var expected = PageCheckpointLayout.Tensors(PageCheckpointLayout.Tiny, 2, 6).ToDictionary(t => t.Name, t => t.Shape);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.All(file.Tensors, t => Assert.Equal(expected[t.Name], t.Shape));
        var byName = file.Tensors.ToDictionary(t => t.Name);
        Assert.All(byName["seeds.bank"].Data, v => Assert.Equal(0f, v));
        Assert.All(byName["backbone.stem.gn1.weight"].Data, v => Assert.Equal(1f, v));
        // conv1: fan_in 3 * 3 * 3 = 27.
        Assert.All(byName["backbone.stem.conv1.weight"].Data, v => Assert.InRange(v, -1 / MathF.Sqrt(27), 1 / MathF.Sqrt(27)));

        // The file describes its model again, and is checked against it.
        var reopened = ClustSegModel.Describe(path);
        Assert.Equal((ClustSegTask.Panoptic, 6, 4), (reopened.Task, reopened.Classes, reopened.Things));
    }

    [Fact]
    public void TheSameSeedGivesTheSameWeightsAndAnotherSeedOthers()
    {
        string Init(string name, int seed)
        {
            var path = Path.Combine(_dir, name);
            Assert.Equal(0, Run("init", "--task", "semantic", "--classes", "3", "--seed", seed.ToString(), "-o", path).Code);
            return path;
        }
        var first = File.ReadAllBytes(Init("a.safetensors", 5));
        var again = File.ReadAllBytes(Init("b.safetensors", 5));
        var other = File.ReadAllBytes(Init("c.safetensors", 6));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void InfoCountsParametersPerModule()
    {
        var (code, output, error) = Run("info", "--model", "clustseg-tiny", "--task", "panoptic", "--classes", "133", "--things", "80");

        Assert.True(code == 0, error);
        // Sums of the page's shapes (PageCheckpointLayout), computed independently of the spec.
        var tensors = PageCheckpointLayout.Tensors(PageCheckpointLayout.Tiny, 2, 133).Where(t => t.Name != "seeds.bank").ToList();
        long Count(string prefix) => tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));
        Assert.Contains($"{"backbone",-16}{Count("backbone."),14:N0}", output);
        Assert.Contains($"{"heads",-16}{Count("heads."),14:N0}", output);
        Assert.Contains($"{"total",-16}{Count(""),14:N0}", output);
        Assert.Contains("1,709,798", output);
        Assert.Contains("seeds.bank [133, 64]", output);
    }

    [Fact]
    public void InitRefusesImpossibleClassCounts()
    {
        var (code, _, error) = Run("init", "--task", "panoptic", "--classes", "4", "--things", "4", "-o", Path.Combine(_dir, "x.safetensors"));

        Assert.Equal(2, code);
        Assert.Contains("at least one stuff class", error);
        Assert.False(File.Exists(Path.Combine(_dir, "x.safetensors")));
    }

    [Fact]
    public void ACheckpointFromAnotherSpecIsRefused()
    {
        var path = Path.Combine(_dir, "old.safetensors");
        Assert.Equal(0, Run("init", "--task", "instance", "--classes", "2", "--things", "2", "-o", path).Code);
        var file = SafetensorsFile.Read(path);
        var metadata = file.Metadata.ToDictionary();
        metadata["spec_sha256"] = new string('0', 64);
        SafetensorsFile.Write(path, file.Tensors, metadata);

        var error = Assert.Throws<ClustSeg.Runtime.Errors.ClustSegException>(() => ClustSegModel.Describe(path));

        Assert.Contains("different layer spec", error.Problem);
    }

    [Fact]
    public void ACheckpointWhoseTensorsDoNotFitItsMetadataIsRefusedListingTheDifferences()
    {
        var path = Path.Combine(_dir, "six.safetensors");
        Assert.Equal(0, Run("init", "--task", "semantic", "--classes", "6", "-o", path).Code);
        var file = SafetensorsFile.Read(path);
        var metadata = file.Metadata.ToDictionary();
        metadata["class_names"] = """["a","b","c","d","e"]""";
        SafetensorsFile.Write(path, file.Tensors, metadata);

        var error = Assert.Throws<CheckpointMismatchException>(() => ClustSegModel.Describe(path));

        Assert.Contains("heads.class_embed.weight: expected [6, 64], found [7, 64]", error.Problem);
        Assert.Contains("seeds.bank: expected [5, 64], found [6, 64]", error.Problem);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
