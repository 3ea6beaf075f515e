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
/// cropped to the picture, as clustseg.md fixes. With an <see cref="InputScale"/> other than 1, each picture is resized
/// first and the masks are resampled straight back to the picture's own size. Semantic models can also average the
/// masks of several scales and of the mirrored picture (<see cref="AveragedScales"/>, <see cref="AverageMirrored"/>).
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

    /// <summary>The largest <see cref="InputScale"/>; it stops a mistyped factor from asking for a model input of many times the picture's area.</summary>
    public const double MaxInputScale = 4;

    private readonly double _inputScale = 1;
    private readonly double[] _averagedScales = [];
    private readonly bool _averageMirrored;

    /// <summary>The model.</summary>
    public ClustSegModel Model { get; }

    /// <summary>Whether <paramref name="scale"/> can be an <see cref="InputScale"/>: above 0 and at most <see cref="MaxInputScale"/>.</summary>
    public static bool IsValidInputScale(double scale) => scale > 0 && scale <= MaxInputScale;

    /// <summary>
    /// Test-time scale: every picture is resized by this factor (bilinear) before the model sees it, and its masks come
    /// back at the picture's own size. 1 (the default) is clustseg.md's rule. The masks are computed at 1/4 of the model
    /// input, so a larger scale gives finer mask edges, and objects are recognised best near the sizes the model was
    /// trained on (training's scale augmentation shows them at 0.5-2x by default).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not in (0, <see cref="MaxInputScale"/>].</exception>
    public double InputScale
    {
        get => _inputScale;
        init
        {
            if (!IsValidInputScale(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"The input scale must be above 0 and at most {MaxInputScale}.");
            _inputScale = value;
        }
    }

    /// <summary>
    /// Semantic models only: more input scales whose mask logits are averaged with those of <see cref="InputScale"/>
    /// (multi-scale testing). Every pass is resampled to the picture's own size before the average, and the class
    /// logits are those of <see cref="InputScale"/>'s pass. Instance and panoptic centres are seeded from each pass's
    /// own features, so their masks do not correspond from one pass to the next and cannot be averaged.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A scale is not in (0, <see cref="MaxInputScale"/>].</exception>
    /// <exception cref="InvalidOperationException">The model is not a semantic one.</exception>
    public IReadOnlyList<double> AveragedScales
    {
        get => _averagedScales;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (var scale in value)
                if (!IsValidInputScale(scale))
                    throw new ArgumentOutOfRangeException(nameof(value), scale, $"Every input scale must be above 0 and at most {MaxInputScale}.");
            if (value.Count > 0) RequireSemantic("Averaging the masks of several input scales");
            _averagedScales = [.. value];
        }
    }

    /// <summary>
    /// Semantic models only: also runs every scale on the picture mirrored left to right, mirrors those masks back and
    /// averages them in (flip testing; training mirrors half of its samples).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is not a semantic one.</exception>
    public bool AverageMirrored
    {
        get => _averageMirrored;
        init
        {
            if (value) RequireSemantic("Averaging with the mirrored picture");
            _averageMirrored = value;
        }
    }

    /// <summary>How many forward passes each batch takes: one per scale, twice that when mirrored pictures are averaged in.</summary>
    public int PassesPerBatch => (1 + _averagedScales.Length) * (_averageMirrored ? 2 : 1);

    private void RequireSemantic(string what)
    {
        if (Model.Task != ClustSegTask.Semantic)
            throw new InvalidOperationException($"{what} needs a semantic model: the centres of a {Model.Task.Name()} model are seeded per pass, so its masks do not line up between passes.");
    }

    /// <summary>Predicts one picture (a batch of one, so the padding depends on this picture only).</summary>
    public MaskPrediction Predict(RgbImage image) => Predict([image])[0];

    /// <summary>
    /// Predicts pictures in one forward pass. They must be able to share it (<see cref="CanShareBatch"/>), so that each
    /// is padded exactly as it would be alone and the results do not depend on the batch.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or the pictures cannot share a batch.</exception>
    public IReadOnlyList<MaskPrediction> Predict(IReadOnlyList<RgbImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("A batch needs at least one picture.", nameof(images));
        if (images.Any(i => !CanShareBatch(i, images[0])))
            throw new ArgumentException("The pictures of a batch must share their padded size (and, with an input scale, their size); group them with CanShareBatch.", nameof(images));
        var predictions = PredictPass(images, InputScale, mirrored: false);
        if (PassesPerBatch == 1) return predictions;
        var sums = predictions.Select(p => p.MaskLogits).ToArray();
        foreach (var (scale, mirrored) in Passes().Skip(1))
        {
            var pass = PredictPass(images, scale, mirrored);
            for (var b = 0; b < sums.Length; b++)
            {
                var logits = pass[b].MaskLogits;
                for (var i = 0; i < logits.Length; i++) sums[b][i] += logits[i];
            }
        }
        var passes = (float)PassesPerBatch;
        foreach (var sum in sums)
            for (var i = 0; i < sum.Length; i++) sum[i] /= passes;
        return predictions;
    }

    private IEnumerable<(double Scale, bool Mirrored)> Passes()
    {
        foreach (var scale in _averagedScales.Prepend(InputScale))
        {
            yield return (scale, false);
            if (_averageMirrored) yield return (scale, true);
        }
    }

    private List<MaskPrediction> PredictPass(IReadOnlyList<RgbImage> images, double scale, bool mirrored)
    {
        var pictures = mirrored ? images.Select(i => i.MirrorLeftRight()).ToList() : images;
        var inputs = scale == 1 ? pictures : pictures.Select(i => Scaled(i, scale)).ToList();
        var (data, height, width) = ModelInput.Batch(inputs);
        // The picture fills the top-left (scaled height x scaled width) of the padded input, so resampling the whole
        // padded map to this size lays the picture's part onto its own pixels (exactly where the scaled sides are
        // exact; within half a pixel at the far edges otherwise).
        var outputHeight = Math.Max(images[0].Height, (int)Math.Round((double)height * images[0].Height / inputs[0].Height));
        var outputWidth = Math.Max(images[0].Width, (int)Math.Round((double)width * images[0].Width / inputs[0].Width));
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
            var full = _device.Scratch.Allocate("mask_logits.full", DType.F32, batch, centres, outputHeight, outputWidth);
            recorder.ResizeBilinear(maskLogits, full);
            recorder.Submit();
            classLogits = _device.Download<float>(outputs.ClassLogits[^1]);
            upsampled = _device.Download<float>(full);
        }
        _device.Scratch.Reset();
        var rowLength = centres * (Model.Classes + 1);
        var planes = (long)centres * outputHeight * outputWidth;
        return images.Select((image, b) =>
        {
            var masks = Crop(upsampled.AsSpan((int)(b * planes), (int)planes), centres, outputHeight, outputWidth, image.Height, image.Width);
            if (mirrored) MirrorRows(masks, image.Width);
            return new MaskPrediction(centres, Model.Classes, image.Height, image.Width, classLogits.AsSpan(b * rowLength, rowLength).ToArray(), masks);
        }).ToList();
    }

    private static void MirrorRows(float[] planes, int width)
    {
        for (var row = 0; row < planes.Length; row += width) planes.AsSpan(row, width).Reverse();
    }

    /// <summary>Whether two pictures pad to the same model input size (and may share a batch at input scale 1).</summary>
    public static bool SamePaddedSize(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ModelInput.PaddedSize(a.Height) == ModelInput.PaddedSize(b.Height) && ModelInput.PaddedSize(a.Width) == ModelInput.PaddedSize(b.Width);
    }

    /// <summary>
    /// Whether two pictures may share a forward pass: the same padded size at input scale 1; the same size otherwise,
    /// because the masks are resampled back with one factor per batch.
    /// </summary>
    public bool CanShareBatch(RgbImage a, RgbImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return InputScale == 1 && _averagedScales.All(s => s == 1) ? SamePaddedSize(a, b) : a.Width == b.Width && a.Height == b.Height;
    }

    private static RgbImage Scaled(RgbImage image, double scale) =>
        image.Resize(Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));

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
