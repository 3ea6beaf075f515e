using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Generator;

public sealed class CheckpointTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private readonly string _directory = Directory.CreateTempSubdirectory("clustseg-checkpoint-").FullName;

    public override void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        base.Dispose();
    }

    [Fact]
    public void MismatchesNameEveryMissingUnexpectedAndMisshapenTensor()
    {
        var model = new TreeModel();
        var path = Path.Combine(_directory, "old.safetensors");
        var tensors = model.StateTensors()
            .Where(t => t.Path != "seeds.bank")
            .Select(t => new SafetensorsTensor(t.Path, t.Path == "backbone.stem.weight" ? [4, 2] : t.Shape.ToArray(), new float[t.Path == "backbone.stem.weight" ? 8 : t.ElementCount]))
            .Append(new SafetensorsTensor("backbone.old.weight", [1], [0f]));
        SafetensorsFile.Write(path, tensors);

        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Verify(model, SafetensorsFile.Read(path), path));

        Assert.Equal(["seeds.bank"], error.Missing);
        Assert.Equal(["backbone.old.weight"], error.Unexpected);
        Assert.Equal(["backbone.stem.weight: expected [4, 3], found [4, 2]"], error.WrongShapes);
        Assert.Contains(path, error.Message);
        Assert.Contains("backbone.stem.weight: expected [4, 3], found [4, 2]", error.Message);
        Assert.Contains("missing from the file: seeds.bank", error.Message);
        Assert.Contains("in the file but not in the model: backbone.old.weight", error.Message);
    }

    [Fact]
    public void SavedParametersAndBuffersLoadBackExactly()
    {
        var saved = new TreeModel();
        ModuleState.Initialize(saved, Device, seed: 1);
        Device.Upload<float>(saved.Seeds.Bank.Value, Enumerable.Range(0, 20).Select(i => i * 0.5f).ToArray());
        var path = Path.Combine(_directory, "model.safetensors");
        Checkpoint.Save(saved, Device, path, Checkpoint.Metadata("TreeModel", "semantic", ["sky", "road"], [], "abc123"));

        var loaded = new TreeModel();
        ModuleState.Initialize(loaded, Device, seed: 2);
        var metadata = Checkpoint.Load(loaded, Device, path);

        foreach (var (a, b) in saved.StateTensors().Zip(loaded.StateTensors()))
        {
            Assert.Equal(Device.Download<float>(a.Value), Device.Download<float>(b.Value));
        }
        Assert.Equal("[\"sky\",\"road\"]", metadata["class_names"]);
        Assert.Equal("abc123", metadata["spec_sha256"]);
        Assert.NotEqual(new float[20], Device.Download<float>(loaded.Seeds.Bank.Value));
    }

    /// <summary>A TreeModel of <paramref name="width"/> initialised from seed 1 and saved as <paramref name="name"/>.</summary>
    private (TreeModel Model, string Path) SavedTreeModel(int width, string name)
    {
        var model = new TreeModel(width);
        ModuleState.Initialize(model, Device, seed: 1);
        var path = Path.Combine(_directory, name);
        Checkpoint.Save(model, Device, path);
        return (model, path);
    }

    [Fact]
    public void LoadingIntoAModelOfAnotherWidthFailsBeforeTouchingIt()
    {
        var (_, path) = SavedTreeModel(4, "narrow.safetensors");

        var wider = new TreeModel(width: 6);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(wider, Device, path));

        Assert.Contains("backbone.stages.1.1.weight: expected [6, 6], found [4, 4]", error.Message);
        Assert.False(wider.Backbone.Stem.Weight.IsAllocated);
    }

    [Fact]
    public void FineTuningTakesTheMatchingTensorsAndListsTheRest()
    {
        var (saved, path) = SavedTreeModel(4, "pretrained.safetensors");

        var target = new TreeModel(width: 4, extraLayer: true);
        var report = Checkpoint.LoadMatching(target, Device, path, seed: 2);

        Assert.Equal(target.StateTensors().Count() - 2, report.Loaded);
        Assert.Equal(["backbone.extra.bias (not in the file)", "backbone.extra.weight (not in the file)"], report.KeptInitial.Order());
        var initial = ModuleState.InitialValues(target, 2).ToDictionary(p => p.Key, p => p.Value);
        var savedByName = saved.StateTensors().ToDictionary(t => t.Path, t => Device.Download<float>(t.Value));
        foreach (var tensor in target.StateTensors())
        {
            var expected = savedByName.TryGetValue(tensor.Path, out var value) ? value : initial[tensor.Path];
            Assert.Equal(expected, Device.Download<float>(tensor.Value));
        }
    }

    [Fact]
    public void FineTuningFromACheckpointWithNothingInCommonIsRefused()
    {
        var (_, path) = SavedTreeModel(4, "other.safetensors");

        var wider = new TreeModel(width: 6);
        var error = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.LoadMatching(wider, Device, path, seed: 2));

        Assert.Contains("backbone.stem.weight: expected [6, 3], found [4, 3]", error.Message);
        Assert.False(wider.Backbone.Stem.Weight.IsAllocated);
    }
}
