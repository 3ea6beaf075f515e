using System.Globalization;
using ClustSeg.Cli.Output;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Cli.Commands;

/// <summary>`clustseg-cli infer --checkpoint FILE --raw OUT.safetensors IMAGE`: the raw outputs of a mask-task model.</summary>
internal static class MaskInference
{
    /// <summary>
    /// Runs the checkpoint's model on one picture and writes every decoder layer's class logits
    /// (<c>class_logits.L</c> [1, K, classes + 1]) and mask logits (<c>mask_logits.L</c> [1, K, Hp/4, Wp/4], of the
    /// padded input) and the last layer's centres (<c>centres</c> [1, K, D]) to <paramref name="rawPath"/>, with the
    /// checkpoint's metadata plus the picture's size and the padded size.
    /// </summary>
    public static void Run(GpuDevice device, string checkpoint, string imageFile, string rawPath, TextWriter output)
    {
        if (!File.Exists(checkpoint))
            throw new ClustSegException($"The checkpoint '{checkpoint}' does not exist.", "Write one with `clustseg-cli init` or train one, and pass its path.");
        var model = ClustSegModel.Load(device, checkpoint);
        var image = ImageInputs.Load(imageFile);
        var (data, height, width) = ModelInput.Batch([image]);
        var started = DateTime.UtcNow;
        device.Scratch.Reset();
        var tensors = new List<SafetensorsTensor>();
        using (var recorder = device.BeginRecording())
        {
            var context = new ModuleContext(device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
            var input = device.Scratch.Allocate("image", DType.F32, 1, 3, height, width);
            device.Upload<float>(input, data);
            var outputs = model.Forward(context, input);
            recorder.Submit();
            for (var l = 0; l < outputs.ClassLogits.Count; l++)
            {
                tensors.Add(Host(device, $"class_logits.{l}", outputs.ClassLogits[l]));
                tensors.Add(Host(device, $"mask_logits.{l}", outputs.MaskLogits[l]));
            }
            tensors.Add(Host(device, "centres", outputs.Centres));
        }
        var metadata = model.Metadata();
        metadata["image"] = Path.GetFileName(imageFile);
        metadata["image_size"] = string.Create(CultureInfo.InvariantCulture, $"[{image.Height}, {image.Width}]");
        metadata["padded_size"] = string.Create(CultureInfo.InvariantCulture, $"[{height}, {width}]");
        var directory = Path.GetDirectoryName(Path.GetFullPath(rawPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        SafetensorsFile.Write(rawPath, tensors, metadata);
        output.WriteLine($"{imageFile}: {model.Variant.Name} {model.Task.Name()}, {model.Centres} centres x {model.DecoderLayers} layers " +
                         $"({image.Width}x{image.Height}, padded {width}x{height}) in {(DateTime.UtcNow - started).TotalMilliseconds:0} ms; raw outputs in {rawPath}");
        device.Scratch.Reset();
    }

    private static SafetensorsTensor Host(GpuDevice device, string name, Tensor tensor) => new(name, tensor.Shape.ToArray(), device.Download<float>(tensor));
}
