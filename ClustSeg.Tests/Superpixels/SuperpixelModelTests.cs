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
        // The CNN is the one the page describes: three width-32 layers, a stride-2 branch, a projection to 20 channels.
        Assert.Equal([20, 64, 1, 1], loaded.Module.StateTensors().Single(t => t.Path == "project.weight").Shape);
        Assert.Equal([32, 32, 3, 3], loaded.Module.StateTensors().Single(t => t.Path == "coarse.conv.weight").Shape);
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
