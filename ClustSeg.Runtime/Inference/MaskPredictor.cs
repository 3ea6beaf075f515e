using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Models;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Inference;

/// <summary>
/// Runs a loaded model on pictures and returns the final decoder layer's predictions at the picture's resolution:
/// the mask logits are upsampled on the device (bilinear, align_corners = false) to the padded input's size, then
/// cropped to the picture, as clustseg.md fixes.
/// </summary>
public sealed class MaskPredictor
{
    private readonly GpuDevice _device;

    /// <summary>Uses <paramref name="model"/>, whose state is already on <paramref name="device"/>.</summary>
    public MaskPredictor(GpuDevice device, ClustSegModel model)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(model);
        _device = device;
        Model = model;
    }

    /// <summary>The model.</summary>
    public ClustSegModel Model { get; }

    /// <summary>Predicts one picture (a batch of one, so the padding depends on this picture only).</summary>
    public MaskPrediction Predict(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (data, height, width) = ModelInput.Batch([image]);
        float[] classLogits, upsampled;
        int centres;
        _device.Scratch.Reset();
        using (var recorder = _device.BeginRecording())
        {
            var context = new ModuleContext(_device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
            var input = _device.Scratch.Allocate("image", DType.F32, 1, 3, height, width);
            _device.Upload<float>(input, data);
            var outputs = Model.Forward(context, input);
            var maskLogits = outputs.MaskLogits[^1];
            centres = maskLogits.Dim(1);
            var full = _device.Scratch.Allocate("mask_logits.full", DType.F32, 1, centres, height, width);
            recorder.ResizeBilinear(maskLogits, full);
            recorder.Submit();
            classLogits = _device.Download<float>(outputs.ClassLogits[^1]);
            upsampled = _device.Download<float>(full);
        }
        _device.Scratch.Reset();
        return new MaskPrediction(centres, Model.Classes, image.Height, image.Width, classLogits, Crop(upsampled, centres, height, width, image.Height, image.Width));
    }

    private static float[] Crop(float[] planes, int count, int height, int width, int cropHeight, int cropWidth)
    {
        if (height == cropHeight && width == cropWidth) return planes;
        var cropped = new float[(long)count * cropHeight * cropWidth];
        for (var k = 0; k < count; k++)
            for (var y = 0; y < cropHeight; y++)
                Array.Copy(planes, ((long)k * height + y) * width, cropped, ((long)k * cropHeight + y) * cropWidth, cropWidth);
        return cropped;
    }
}
