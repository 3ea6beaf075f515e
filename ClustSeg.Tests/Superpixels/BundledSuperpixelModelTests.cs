using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

/// <summary>
/// The trained superpixel checkpoint in models/ is what `clustseg-cli infer` runs by default: it must load under this
/// build's layer spec (an edit of models/superpixel.cseg needs a retrained checkpoint) and say how it is meant to run.
/// </summary>
public sealed class BundledSuperpixelModelTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private static readonly string Bundled = Path.Combine(AppContext.BaseDirectory, "models", "superpixel-bsds500.safetensors");

    [Fact]
    public void TheBundledCheckpointIsSmallAndCarriesItsCompactness()
    {
        Assert.True(File.Exists(Bundled), $"{Bundled} is missing: ClustSeg.Cli copies models/superpixel-bsds500.safetensors next to itself.");
        Assert.InRange(new FileInfo(Bundled).Length, 1, 1 << 20);
        var metadata = SafetensorsFile.Read(Bundled).Metadata;
        Assert.Equal(SuperpixelModel.SpecSha256, metadata["spec_sha256"]);
        Assert.True(float.Parse(metadata[SuperpixelModel.CompactnessKey], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void TheBundledModelLoadsAndSegments()
    {
        var model = SuperpixelModel.Load(Device, Bundled);
        Assert.NotNull(model.Compactness);
        var (image, _) = SuperpixelTestData.Regions(64, 48, 7);
        var result = new SuperpixelSegmenter(Device, new SuperpixelOptions { Superpixels = 30, PositionScale = model.Compactness!.Value }, model).Segment(image);
        Assert.InRange(result.Count, 15, 45);
    }
}
