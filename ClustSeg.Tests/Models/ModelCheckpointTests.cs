using ClustSeg.Runtime.Models;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Models;

public sealed class ModelCheckpointTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [Fact]
    public void ASavedModelLoadsWithTheSameTensorsAndDescription()
    {
        var path = Path.Combine(Path.GetTempPath(), $"clustseg-model-{Guid.NewGuid():N}.safetensors");
        var model = new ClustSegModel(ClustSegVariant.Tiny, ClustSegTask.Panoptic, ["person", "car", "sky", "road"], 2);
        model.Initialize(Device, seed: 8);
        Device.Upload<float>(model.Bank!.Value, Numerics.ToFloat(Numerics.Random((int)model.Bank.ElementCount, 3)));
        try
        {
            model.Save(Device, path);
            var loaded = ClustSegModel.Load(Device, path);

            Assert.Equal(model.ClassNames, loaded.ClassNames);
            Assert.Equal((ClustSegTask.Panoptic, 2, "clustseg-tiny"), (loaded.Task, loaded.Things, loaded.Variant.Name));
            var original = model.Module.StateTensors().ToDictionary(t => t.Path, t => Device.Read(t.Value));
            Assert.All(loaded.Module.StateTensors(), t => Assert.Equal(original[t.Path], Device.Read(t.Value)));
            ModelRun.Release(Device, loaded);
        }
        finally
        {
            File.Delete(path);
            ModelRun.Release(Device, model);
        }
    }
}
