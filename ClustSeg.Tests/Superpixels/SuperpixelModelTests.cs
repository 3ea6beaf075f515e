using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Segmentation;
using ClustSeg.Runtime.Superpixels;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Superpixels;

/// <summary>The superpixel model facade: checkpoints, their refusal when they hold something else, and inference with it.</summary>
public sealed class SuperpixelModelTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void SaveAndLoadRoundTripEveryTensorAndTheMetadata()
    {
        using var folder = new TempFolder();
        var path = folder.File("sp.safetensors");
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 3);
        model.Save(Device, path);

        var metadata = SafetensorsFile.Read(path).Metadata;
        Assert.Equal("clustseg-superpixel", metadata["model"]);
        Assert.Equal("superpixel", metadata["task"]);
        Assert.Equal(SuperpixelModel.SpecSha256, metadata["spec_sha256"]);
        Assert.Matches("^[0-9a-f]{64}$", SuperpixelModel.SpecSha256);
        Assert.True(SuperpixelModel.IsSuperpixelCheckpoint(path));

        var loaded = SuperpixelModel.Load(Device, path);
        var expected = model.Module.StateTensors().ToDictionary(t => t.Path, t => Device.Download<float>(t.Value));
        Assert.Equal(expected.Keys.Order(), loaded.Module.StateTensors().Select(t => t.Path).Order());
        foreach (var tensor in loaded.Module.StateTensors()) Assert.Equal(expected[tensor.Path], Device.Download<float>(tensor.Value));
        // The CNN is the one the page describes: three width-32 layers, a stride-2 branch, projections to 20 channels
        // (the branch's at its own resolution, before it is upsampled).
        Assert.Equal([20, 32, 1, 1], loaded.Module.StateTensors().Single(t => t.Path == "project.weight").Shape);
        Assert.Equal([20, 32, 1, 1], loaded.Module.StateTensors().Single(t => t.Path == "project_coarse.weight").Shape);
        Assert.Equal([32, 32, 3, 3], loaded.Module.StateTensors().Single(t => t.Path == "coarse.conv.weight").Shape);
    }

    [Fact]
    public void TheCompactnessTravelsWithTheCheckpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("sp.safetensors");
        var model = new SuperpixelModel { Compactness = 10.5f };
        model.Initialize(Device, seed: 2);
        model.Save(Device, path);
        Assert.Equal("10.5", SafetensorsFile.Read(path).Metadata[SuperpixelModel.CompactnessKey]);
        Assert.Equal(10.5f, SuperpixelModel.Load(Device, path).Compactness);

        var unsaid = folder.File("old.safetensors");
        new SuperpixelModel().SaveInitialCheckpoint(unsaid, seed: 2);
        Assert.Null(SuperpixelModel.Load(Device, unsaid).Compactness);

        var bad = folder.File("bad.safetensors");
        var metadata = SuperpixelModel.Metadata();
        metadata[SuperpixelModel.CompactnessKey] = "tight";
        SafetensorsFile.Write(bad, ModuleState.InitialValues(model.Module, 1)
            .Select(p => new SafetensorsTensor(p.Key, model.Module.StateTensors().Single(t => t.Path == p.Key).Shape.ToArray(), p.Value)), metadata);
        var error = Assert.Throws<ClustSegException>(() => SuperpixelModel.Load(Device, bad));
        Assert.Contains("'tight'", error.Problem);
    }

    [Fact]
    public void MaskTaskCheckpointIsRefusedNamingItsTask()
    {
        using var folder = new TempFolder();
        var path = folder.File("semantic.safetensors");
        var model = new SuperpixelModel();
        // Right tensors, wrong metadata: the refusal must come from what the file says it holds.
        SafetensorsFile.Write(path, ModuleState.InitialValues(model.Module, 1)
                .Select(p => new SafetensorsTensor(p.Key, model.Module.StateTensors().Single(t => t.Path == p.Key).Shape.ToArray(), p.Value)),
            Checkpoint.Metadata("clustseg-tiny", "semantic", ["a", "b"], [], "00"));
        var error = Assert.Throws<ClustSegException>(() => SuperpixelModel.Load(Device, path));
        Assert.Contains("clustseg-tiny", error.Problem);
        Assert.Contains("semantic", error.Problem);
        Assert.Contains("--task semantic", error.Fix);
        Assert.False(SuperpixelModel.IsSuperpixelCheckpoint(path));
    }

    [Fact]
    public void CheckpointOfAnotherSpecIsRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("old.safetensors");
        var model = new SuperpixelModel();
        SafetensorsFile.Write(path, ModuleState.InitialValues(model.Module, 1)
                .Select(p => new SafetensorsTensor(p.Key, model.Module.StateTensors().Single(t => t.Path == p.Key).Shape.ToArray(), p.Value)),
            Checkpoint.Metadata(SuperpixelModel.Name, SuperpixelModel.TaskName, [], [], new string('0', 64)));
        var error = Assert.Throws<ClustSegException>(() => SuperpixelModel.Load(Device, path));
        Assert.Contains("different layer spec", error.Problem);
        Assert.Contains("superpixel.cseg", error.Problem);
    }

    [Fact]
    public void FeaturesPutTheCnnChannelsBeforeLabAndPosition()
    {
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 5);
        var batch = SuperpixelTestData.Batch(16, 12, 6, new SuperpixelGrid(2, 3), seed: 2);
        var features = model.ComputeFeatures(Device, batch.LabXy, 12, 16);
        var n = 12 * 16;
        Assert.Equal(SuperpixelModel.FeatureChannels * n, features.Length);
        Assert.Equal(batch.LabXy, features.AsSpan(SuperpixelModel.CnnChannels * n).ToArray());
        Assert.Contains(features.Take(SuperpixelModel.CnnChannels * n), v => v != 0);
    }

    [Fact]
    public void CnnInputRepeatsTheLastRowAndColumnUpToWholeVectors()
    {
        const int h = 3, w = 5;
        var labXy = Enumerable.Range(0, SuperpixelFeatures.LabXyChannels * h * w).Select(v => (float)v).ToArray();
        Assert.Equal((4, 8), SuperpixelModel.CnnSize(h, w));
        Assert.Equal((128, 128), SuperpixelModel.CnnSize(128, 128));
        var input = SuperpixelModel.CnnInput(labXy, h, w);
        Assert.Equal(3 * 4 * 8, input.Length);
        for (var c = 0; c < 3; c++)
        for (var y = 0; y < 4; y++)
        for (var x = 0; x < 8; x++)
            Assert.Equal(labXy[(c * h + Math.Min(y, h - 1)) * w + Math.Min(x, w - 1)], input[(c * 4 + y) * 8 + x]);
    }

    [Fact]
    public void DeviceFeaturesEqualTheHostFeaturesAndServeEveryKFromOneCnnPass()
    {
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 4);
        var (image, _) = SuperpixelTestData.Regions(21, 13, 3); // neither side a multiple of the CNN's padding
        var options = new SuperpixelOptions { Superpixels = 12 };
        var labXy = SuperpixelFeatures.LabXy(image, options);
        var expected = model.ComputeFeatures(Device, labXy, 13, 21);
        var first = model.DeviceFeatures(Device, image, labXy, options, out var firstTime);
        Assert.Equal([1, SuperpixelModel.FeatureChannels, 13, 21], first.Shape);
        Assert.Equal(expected, Device.Download<float>(first));

        // Another K rescales (y, x) only: the CNN channels come from the same pass, the position channels are rewritten.
        var other = options with { Superpixels = 40 };
        var otherLabXy = SuperpixelFeatures.LabXy(image, other);
        var second = Device.Download<float>(model.DeviceFeatures(Device, image, otherLabXy, other, out var secondTime));
        Assert.Equal(firstTime, secondTime);
        var cnnValues = SuperpixelModel.CnnChannels * 13 * 21;
        Assert.Equal(expected.Take(cnnValues), second.Take(cnnValues));
        Assert.Equal(otherLabXy, second.Skip(cnnValues));
        Assert.NotEqual(labXy, otherLabXy);
    }

    [Fact]
    public void SegmenterWithAFreshModelGivesContiguousConnectedLabels()
    {
        var model = new SuperpixelModel();
        model.Initialize(Device, seed: 9);
        var (image, _) = SuperpixelTestData.Regions(64, 48, 4);
        var result = new SuperpixelSegmenter(Device, new SuperpixelOptions { Superpixels = 30 }, model).Segment(image);
        Assert.True(LabelMaps.IsEveryLabelConnected(result.Labels));
        Assert.Equal(Enumerable.Range(0, result.Count), result.Labels.Labels.Distinct().Order());
        Assert.InRange(result.Count, 15, 45);
    }
}
