using ClustSeg.Runtime.Data.Synthetic;

namespace ClustSeg.Tests.Data;

/// <summary>A small generated dataset (30 images of 64x64, 9 in val) shared by the tests of a class.</summary>
public sealed class SynthFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public SynthFixture()
    {
        Summary = SyntheticDataset.Generate(Root, new SyntheticDatasetOptions(30, 64, Seed: 5, ValFraction: 0.3));
    }

    public string Root => _folder.Path;

    internal SyntheticDatasetSummary Summary { get; }

    public void Dispose() => _folder.Dispose();
}
