namespace ClustSeg.Tests.Generator;

/// <summary>
/// The generated source for small specs, compared with reviewed copies in Generator/Snapshots. After an intended
/// change to the emitter, rerun with CLUSTSEG_UPDATE_SNAPSHOTS=1 and review the diff of the snapshot files.
/// </summary>
public class SnapshotTests
{
    [Theory]
    [InlineData("examples/tiny-mlp.cseg", "ClustSeg.Models.Examples.TinyMlp.g.cs", "TinyMlp.g.cs.snapshot")]
    [InlineData("examples/resnet-gn.cseg", "ClustSeg.Models.Examples.BasicBlock.g.cs", "BasicBlock.g.cs.snapshot")]
    [InlineData("examples/cluster-decoder.cseg", "ClustSeg.Models.Examples.RCross.g.cs", "RCross.g.cs.snapshot")]
    public void GeneratedSourceMatchesSnapshot(string spec, string hintName, string snapshot)
    {
        var generated = GeneratorHarness.Source(GeneratorHarness.Run(GeneratorHarness.Spec(spec)), hintName);

        var path = Path.Combine(GeneratorHarness.RepositoryRoot, "ClustSeg.Tests", "Generator", "Snapshots", snapshot);
        if (Environment.GetEnvironmentVariable("CLUSTSEG_UPDATE_SNAPSHOTS") == "1") File.WriteAllText(path, generated);
        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        if (expected != generated) File.WriteAllText(path + ".received", generated);
        Assert.True(expected == generated, $"Generated {hintName} differs from {path}; the output is in {path}.received. " +
            "If the change is intended, rerun with CLUSTSEG_UPDATE_SNAPSHOTS=1 and review the snapshot diff.");
    }
}
