using System.Diagnostics;
using ClustSeg.Runtime.Imaging;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Segmentation;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>A superpixel segmentation and what it cost.</summary>
/// <param name="Labels">Labels contiguous from 0, every superpixel 4-connected.</param>
/// <param name="Count">Number of superpixels produced.</param>
/// <param name="Grid">The seed grid used.</param>
/// <param name="Elapsed">Wall time of the whole segmentation (features, device work, connectivity).</param>
public sealed record SuperpixelResult(LabelMap Labels, int Count, SuperpixelGrid Grid, TimeSpan Elapsed);

/// <summary>
/// Superpixels by the ClustSeg superpixel model's EM on the device: grid seeds, then T iterations of the local
/// (3x3-cell) E-step and the normalised M-step, then the hard assignment and connectivity enforcement. With the
/// colour and position features alone (no CNN) this is soft SLIC, the untrained model that works out of the box; with
/// a trained <see cref="SuperpixelModel"/> the CNN's features go in front of them.
/// </summary>
public sealed class SuperpixelSegmenter
{
    private const int MaxRegridAttempts = 3;
    private readonly GpuDevice _device;

    /// <summary>Creates a segmenter on <paramref name="device"/>; without <paramref name="model"/> it runs soft SLIC.</summary>
    public SuperpixelSegmenter(GpuDevice device, SuperpixelOptions options, SuperpixelModel? model = null)
    {
        options.Validate();
        _device = device;
        Options = options;
        Model = model;
    }

    /// <summary>The settings in use.</summary>
    public SuperpixelOptions Options { get; }

    /// <summary>The trained model whose CNN features are used, or null for the untrained Lab + (y, x) model.</summary>
    public SuperpixelModel? Model { get; }

    /// <summary>Segments one image into about <see cref="SuperpixelOptions.Superpixels"/> superpixels.</summary>
    /// <remarks>
    /// Connectivity enforcement keeps fragments of at least 0.06 N/K pixels, and each counts as a superpixel, so a
    /// grid of K cells yields more than K superpixels. The grid is therefore sized for K divided by the expected
    /// fragment ratio, and when an image still lands outside K +- <see cref="SuperpixelOptions.CountTolerance"/> the
    /// EM runs again (at most three more times) on a grid rescaled by the ratio it observed.
    /// </remarks>
    public SuperpixelResult Segment(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var clock = Stopwatch.StartNew();
        int h = image.Height, w = image.Width, k = Options.Superpixels;
        var labXy = SuperpixelFeatures.LabXy(image, Options);
        var cachedCnnTime = TimeSpan.Zero;
        Tensor? owned = null;
        Tensor features;
        if (Model is not null)
        {
            var before = clock.Elapsed;
            features = Model.DeviceFeatures(_device, image, labXy, Options, out var cnnTime);
            // When the CNN output came from the cache (same image, another K), count what computing it took.
            if (clock.Elapsed - before < cnnTime) cachedCnnTime = cnnTime;
        }
        else
        {
            // Outside the scratch arena, which each EM run resets: a regrid rerun clusters the same features again.
            features = owned = _device.Persistent.Allocate("superpixel.features", DType.F32, 1, SuperpixelFeatures.LabXyChannels, h, w);
            _device.Upload<float>(features, labXy);
        }
        try
        {
            var cells = k / Options.FragmentRatio((long)h * w, k);
            var best = SegmentWithGrid(features, cells);
            var attempt = best;
            for (var retry = 0; retry < MaxRegridAttempts && Math.Abs(best.Count - k) > Options.CountTolerance * k; retry++)
            {
                cells *= (double)k / Math.Max(attempt.Count, 1);
                attempt = SegmentWithGrid(features, cells);
                if (Math.Abs(attempt.Count - k) < Math.Abs(best.Count - k)) best = attempt;
            }
            return new SuperpixelResult(best.Labels, best.Count, best.Grid, clock.Elapsed + cachedCnnTime);
        }
        finally
        {
            if (owned is not null) _device.Persistent.Release(owned);
        }
    }

    private (LabelMap Labels, int Count, SuperpixelGrid Grid) SegmentWithGrid(Tensor features, double cells)
    {
        int h = features.Dim(2), w = features.Dim(3);
        var grid = SuperpixelGrid.For(Math.Max(1, (int)Math.Round(cells)), h, w);
        var rawLabels = RunEm(features, grid);
        var connected = ConnectivityEnforcement.Enforce(new LabelMap(w, h, rawLabels), Options.Superpixels);
        var contiguous = LabelMaps.RelabelContiguous(connected, out var count);
        return (contiguous, count, grid);
    }

    /// <summary>Runs seeds + EM + hard assignment on the device for features [1, C, H, W]; returns cell labels.</summary>
    internal int[] RunEm(Tensor features, SuperpixelGrid grid)
    {
        var scratch = _device.Scratch;
        scratch.Reset();
        try
        {
            int channels = features.Dim(1), n = features.Dim(2) * features.Dim(3);
            var centres = scratch.Allocate("superpixel.centres", DType.F32, 1, channels, grid.Cells);
            var partials = scratch.Allocate("superpixel.partials", DType.F32, SuperpixelEmStepOp.PartialsShape(_device, 1, channels, grid));
            var mass = scratch.Allocate("superpixel.mass", DType.F32, 1, grid.Cells);
            var labels = scratch.Allocate("superpixel.labels", DType.I32, 1, n);

            // The fused inference step: the same E-step and normalised M-step as the training kernels
            // (SuperpixelAssign, SuperpixelCentres), without storing the assignment (BENCHMARKS.md, "Superpixel speed").
            using var recorder = _device.BeginRecording();
            recorder.AdaptiveAvgPool(features, centres.Reshape(1, channels, grid.Rows, grid.Cols));
            for (var t = 0; t < Options.Iterations; t++)
            {
                recorder.SuperpixelEmStep(features, centres, grid, partials);
                recorder.SuperpixelEmReduce(partials, grid, centres, mass);
            }
            recorder.SuperpixelEmLabels(features, centres, grid, labels);
            recorder.Submit();
            return _device.Download<int>(labels);
        }
        finally
        {
            scratch.Reset();
        }
    }
}
