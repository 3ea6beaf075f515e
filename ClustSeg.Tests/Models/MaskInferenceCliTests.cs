using ClustSeg.Cli;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Imaging.Png;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Models;

public sealed class MaskInferenceCliTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-mask-infer-").FullName;

    [Fact]
    public void RawOutputsHoldEveryLayersLogitsOfThePaddedInput()
    {
        var checkpoint = Path.Combine(_dir, "tiny.safetensors");
        Assert.Equal(0, CliRunner.Run(["init", "--task", "panoptic", "--classes", "5", "--things", "2", "--seed", "4", "-o", checkpoint], new StringWriter(), new StringWriter()));
        var rgb = new byte[50 * 40 * 3];
        for (var i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 37 % 251);
        var picture = Path.Combine(_dir, "picture.png");
        PngEncoder.Write(picture, PngImage.FromRgb8(50, 40, rgb));
        var raw = Path.Combine(_dir, "raw.safetensors");

        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliRunner.Run(["infer", "--checkpoint", checkpoint, "--raw", raw, picture], output, error);

        Assert.True(code == 0, error.ToString());
        var file = SafetensorsFile.Read(raw);
        Assert.Equal("clustseg-tiny", file.Metadata["model"]);
        Assert.Equal("panoptic", file.Metadata["task"]);
        Assert.Equal("[40, 50]", file.Metadata["image_size"]);
        Assert.Equal("[64, 64]", file.Metadata["padded_size"]);
        var tensors = file.Tensors.ToDictionary(t => t.Name);
        const int centres = 3 + 50;
        for (var l = 0; l < 3; l++)
        {
            Assert.Equal([1, centres, 6], tensors[$"class_logits.{l}"].Shape);
            Assert.Equal([1, centres, 16, 16], tensors[$"mask_logits.{l}"].Shape);
        }
        Assert.Equal([1, centres, 64], tensors["centres"].Shape);
        Assert.Equal(7, tensors.Count);

        // The same numbers as running the checkpoint's model on the padded picture directly.
        var model = ClustSegModel.Load(Device, checkpoint);
        var (data, height, width) = ModelInput.Batch([new RgbImage(50, 40, rgb)]);
        var direct = ModelRun.Forward(Device, model, Array.ConvertAll(data, v => (double)v), [1, 3, height, width]);
        Assert.Equal(direct.MaskLogits[2], tensors["mask_logits.2"].Data);
        Assert.Equal(direct.ClassLogits[0], tensors["class_logits.0"].Data);
        ModelRun.Release(Device, model);
    }

    [Fact]
    public void RawWithoutACheckpointIsAClearError()
    {
        var error = new StringWriter();
        Assert.Equal(2, CliRunner.Run(["infer", "--raw", Path.Combine(_dir, "raw.safetensors")], new StringWriter(), error));
        Assert.Contains("--checkpoint", error.ToString());
    }

    public override void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        base.Dispose();
    }
}
