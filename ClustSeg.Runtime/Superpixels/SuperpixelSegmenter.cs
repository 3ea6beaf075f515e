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
/// colour and position features alone (no CNN) this is soft SLIC, the untrained model that works out of the box.
/// </summary>
public sealed class SuperpixelSegmenter
{
    private readonly GpuDevice _device;

    /// <summary>Creates a segmenter on <paramref name="device"/>.</summary>
    public SuperpixelSegmenter(GpuDevice device, SuperpixelOptions options)
    {
        options.Validate();
        _device = device;
        Options = options;
    }

    /// <summary>The settings in use.</summary>
    public SuperpixelOptions Options { get; }

    /// <summary>Segments one image into about <see cref="SuperpixelOptions.Superpixels"/> superpixels.</summary>
    public SuperpixelResult Segment(RgbImage image)
    {
        var clock = Stopwatch.StartNew();
        int h = image.Height, w = image.Width;
        var grid = SuperpixelGrid.For(Options.Superpixels, h, w);
        var features = SuperpixelFeatures.LabXy(image, Options);
        var rawLabels = RunEm(features, SuperpixelFeatures.LabXyChannels, h, w, grid);
        var connected = ConnectivityEnforcement.Enforce(new LabelMap(w, h, rawLabels), grid.Cells);
        var contiguous = LabelMaps.RelabelContiguous(connected, out var count);
        return new SuperpixelResult(contiguous, count, grid, clock.Elapsed);
    }

    /// <summary>Runs seeds + EM + hard assignment on the device for planar features [C, H, W]; returns cell labels.</summary>
    internal int[] RunEm(float[] features, int channels, int h, int w, SuperpixelGrid grid)
    {
        var scratch = _device.Scratch;
        scratch.Reset();
        try
        {
            var n = h * w;
            var featureTensor = scratch.Allocate("superpixel.features", DType.F32, 1, channels, h, w);
            _device.Upload<float>(featureTensor, features);
            var centres = scratch.Allocate("superpixel.centres", DType.F32, 1, channels, grid.Cells);
            _device.Upload<float>(centres, SuperpixelFeatures.GridSeeds(features, channels, h, w, grid));
            var assign = scratch.Allocate("superpixel.assign", DType.F32, 1, 9, n);
            var mass = scratch.Allocate("superpixel.mass", DType.F32, 1, grid.Cells);
            var labels = scratch.Allocate("superpixel.labels", DType.I32, 1, n);

            using var recorder = _device.BeginRecording();
            for (var t = 0; t < Options.Iterations; t++)
            {
                recorder.SuperpixelAssign(featureTensor, centres, grid, assign);
                recorder.SuperpixelCentres(featureTensor, assign, grid, centres, mass);
            }
            recorder.SuperpixelAssign(featureTensor, centres, grid, assign);
            recorder.SuperpixelLabels(assign, h, w, grid, labels);
            recorder.Submit();
            return _device.Download<int>(labels);
        }
        finally
        {
            scratch.Reset();
        }
    }
}
