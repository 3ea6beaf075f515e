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
    public MaskPrediction Predict(RgbImage image) => Predict([image])[0];

    /// <summary>
    /// Predicts pictures in one forward pass. They must share the padded size (<see cref="ModelInput.PaddedSize"/> of
    /// height and width), so that each is padded exactly as it would be alone and the results do not depend on the batch.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or the padded sizes differ.</exception>
    public IReadOnlyList<MaskPrediction> Predict(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("A batch needs at least one picture.", nameof(images));
        if (images.Any(i => !SamePaddedSize(i, images[0])))
            throw new ArgumentException("The pictures of a batch must share their padded size; group them with SamePaddedSize.", nameof(images));
        var (data, height, width) = ModelInput.Batch(images);
        var batch = images.Count;
        float[] classLogits, upsampled;
        int centres;
        _device.Scratch.Reset();
        using (var recorder = _device.BeginRecording())
        {
            var context = new ModuleContext(_device, recorder, KernelGradientAccumulator.Instance, recordsBackward: false);
            var input = _device.Scratch.Allocate("image", DType.F32, batch, 3, height, width);
            _device.Upload<float>(input, data);
            var outputs = Model.Forward(context, input);
            var maskLogits = outputs.MaskLogits[^1];
            centres = maskLogits.Dim(1);
            var full = _device.Scratch.Allocate("mask_logits.full", DType.F32, batch, centres, height, width);
            recorder.ResizeBilinear(maskLogits, full);
            recorder.Submit();
            classLogits = _device.Download<float>(outputs.ClassLogits[^1]);
            upsampled = _device.Download<float>(full);
        }
        _device.Scratch.Reset();
        var rowLength = centres * (Model.Classes + 1);
        var planes = (long)centres * height * width;
        return images.Select((image, b) => new MaskPrediction(centres, Model.Classes, image.Height, image.Width,
            classLogits.AsSpan(b * rowLength, rowLength).ToArray(),
            Crop(upsampled.AsSpan((int)(b * planes), (int)planes), centres, height, width, image.Height, image.Width))).ToList();
    }

    /// <summary>Whether two pictures pad to the same model input size (and may share a batch).</summary>
    public static bool SamePaddedSize(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ModelInput.PaddedSize(a.Height) == ModelInput.PaddedSize(b.Height) && ModelInput.PaddedSize(a.Width) == ModelInput.PaddedSize(b.Width);
    }

    private static float[] Crop(ReadOnlySpan<float> planes, int count, int height, int width, int cropHeight, int cropWidth)
    {
        if (height == cropHeight && width == cropWidth) return planes.ToArray();
        var cropped = new float[(long)count * cropHeight * cropWidth];
        for (var k = 0; k < count; k++)
            for (var y = 0; y < cropHeight; y++)
                planes.Slice((k * height + y) * width, cropWidth).CopyTo(cropped.AsSpan((k * cropHeight + y) * cropWidth, cropWidth));
        return cropped;
    }
}
