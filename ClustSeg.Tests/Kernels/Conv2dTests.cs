using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Ops;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Kernels;

public sealed class Conv2dTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private sealed record Case(int N, int C, int H, int W, int O, int KH, int KW, Conv2dGeometry G)
    {
        public int Cg => C / G.Groups;
        public int Og => O / G.Groups;
        public (int Height, int Width) Out => G.OutputSize(H, W, KH, KW);
        public int[] ShapeX => [N, C, H, W];
        public int[] ShapeW => [O, Cg, KH, KW];
        public int[] ShapeY => [N, O, Out.Height, Out.Width];
        public int XAt(int n, int c, int h, int w) => ((n * C + c) * H + h) * W + w;
        public int WAt(int o, int c, int kh, int kw) => ((o * Cg + c) * KH + kh) * KW + kw;
        public int YAt(int n, int o, int h, int w) => ((n * O + o) * Out.Height + h) * Out.Width + w;

        /// <summary>Visits every (output element, weight tap, input element) triple of the convolution, padding excluded.</summary>
        public void ForEachTap(Action<int, int, int> visit) // (y index, weight index, x index)
        {
            var (oh, ow) = Out;
            for (var n = 0; n < N; n++)
            for (var o = 0; o < O; o++)
            for (var y = 0; y < oh; y++)
            for (var x = 0; x < ow; x++)
            for (var c = 0; c < Cg; c++)
            for (var kh = 0; kh < KH; kh++)
            for (var kw = 0; kw < KW; kw++)
            {
                var ih = y * G.StrideH - G.PadH + kh * G.DilationH;
                var iw = x * G.StrideW - G.PadW + kw * G.DilationW;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                var group = o / Og;
                visit(YAt(n, o, y, x), WAt(o, c, kh, kw), XAt(n, group * Cg + c, ih, iw));
            }
        }
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    private static double[] Forward(Case s, double[] x, double[] w, double[]? bias)
    {
        var y = new double[Count(s.ShapeY)];
        var plane = s.Out.Height * s.Out.Width;
        if (bias is not null)
            for (var i = 0; i < y.Length; i++) y[i] = bias[i / plane % s.O];
        s.ForEachTap((yi, wi, xi) => y[yi] += w[wi] * x[xi]);
        return y;
    }

    private static (double[] GradX, double[] GradW, double[] GradBias) Backward(Case s, double[] x, double[] w, double[] gradY)
    {
        var gradX = new double[x.Length];
        var gradW = new double[w.Length];
        var gradBias = new double[s.O];
        var plane = s.Out.Height * s.Out.Width;
        for (var i = 0; i < gradY.Length; i++) gradBias[i / plane % s.O] += gradY[i];
        s.ForEachTap((yi, wi, xi) =>
        {
            gradX[xi] += gradY[yi] * w[wi];
            gradW[wi] += gradY[yi] * x[xi];
        });
        return (gradX, gradW, gradBias);
    }

    private static readonly Dictionary<string, Case> Named = new()
    {
        ["3x3 pad 1"] = new Case(2, 3, 7, 9, 5, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["3x3 stride 2"] = new Case(1, 4, 11, 10, 3, 3, 3, Conv2dGeometry.Square(2, 1)),
        ["stride 3 no pad"] = new Case(2, 2, 13, 8, 3, 2, 3, Conv2dGeometry.Square(3, 0)),
        ["dilated, asymmetric"] = new Case(1, 3, 9, 12, 4, 3, 2, new Conv2dGeometry(2, 1, 2, 1, 2, 3)),
        ["groups 2"] = new Case(2, 4, 6, 7, 6, 3, 3, Conv2dGeometry.Square(1, 1, 1, 2)),
        ["depthwise"] = new Case(2, 5, 8, 5, 5, 3, 3, Conv2dGeometry.Square(1, 1, 1, 5)),
        ["depthwise stride 2"] = new Case(1, 6, 9, 9, 12, 3, 3, Conv2dGeometry.Square(2, 1, 1, 6)),
        ["1x1, many channels"] = new Case(1, 19, 5, 3, 11, 1, 1, Conv2dGeometry.Square()),
        // Widths and channels per group in multiples of 4 take the vec4 kernels (forward, and input gradient at stride 1).
        // 3x3 stride 1 with channel counts in multiples of 4 runs as Winograd F(2x2, 3x3) on CPU devices
        // (Conv2dWinograd): odd sizes leave partial tiles at the right and bottom edges, widths not a multiple of 4 take
        // the scalar stores, and paddings 0 and 2 flip to 2 and 0 in the input gradient. Each has at least 64 channels in
        // and 64 tiles of 2x2 (Conv2dWinograd.Choose); narrower or smaller convolutions take the other paths.
        ["winograd 3x3 pad 1"] = new Case(2, 64, 9, 12, 64, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["winograd odd sizes"] = new Case(2, 64, 7, 9, 64, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["winograd pad 0 x 2"] = new Case(1, 64, 18, 13, 64, 3, 3, new Conv2dGeometry(PadH: 0, PadW: 2)),
        ["winograd wide rows"] = new Case(1, 64, 3, 124, 64, 3, 3, Conv2dGeometry.Square(1, 1)),
        // Maps with at least 64 tiles of 4x4 outputs take F(4x4, 3x3): partial tiles at both edges, vec4 and scalar stores.
        ["winograd 4x4 odd sizes"] = new Case(1, 64, 17, 62, 64, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["winograd 4x4 vec4 rows"] = new Case(1, 64, 16, 64, 64, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["winograd 4x4 pad 0 x 2"] = new Case(1, 64, 34, 30, 64, 3, 3, new Conv2dGeometry(PadH: 0, PadW: 2)),
        ["winograd 4x4 32 channels"] = new Case(1, 32, 16, 64, 32, 3, 3, Conv2dGeometry.Square(1, 1)), // F4 only from 32 up
        ["vec4 3x3 pad 1"] = new Case(2, 6, 5, 12, 12, 3, 3, Conv2dGeometry.Square(1, 1)), // 6 inputs keep 3x3 stride 1 off Winograd
        ["vec4 5x5 groups 2"] = new Case(1, 8, 6, 8, 8, 5, 5, Conv2dGeometry.Square(1, 2, 1, 2)),
        ["vec4 1x3 dilated 4, stride 2x1"] = new Case(1, 4, 7, 16, 4, 1, 3, new Conv2dGeometry(2, 1, 0, 4, 1, 4)),
        ["vec4 3x3 no pad"] = new Case(1, 6, 6, 12, 4, 3, 3, Conv2dGeometry.Square(1, 0)),
        ["vec4 1x1 pad 1"] = new Case(1, 4, 3, 8, 4, 1, 1, Conv2dGeometry.Square(1, 1)),
        ["vec4 3x3 stride 2"] = new Case(2, 3, 7, 20, 8, 3, 3, Conv2dGeometry.Square(2, 1)),
        ["pointwise as GEMM"] = new Case(2, 8, 3, 4, 12, 1, 1, Conv2dGeometry.Square()),
        // Ungrouped convolutions with narrow outputs or strides take the im2col GEMM path (Conv2dColumns); every case
        // above with one group and rows under 16 wide takes it for the input gradient. These need C*KH*KW and the pixel
        // count in multiples of 4 for its forward and weight gradient, and under 128 pixels for pixel-major columns.
        ["columns pixel-major"] = new Case(2, 4, 5, 4, 8, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["columns pixel-major stride 2"] = new Case(1, 8, 9, 7, 12, 3, 3, Conv2dGeometry.Square(2, 1)),
        ["columns channel-major, dilated"] = new Case(2, 4, 20, 12, 4, 3, 3, Conv2dGeometry.Square(1, 2, 2)),
        ["columns stride 2, wide rows"] = new Case(1, 4, 9, 32, 8, 3, 3, Conv2dGeometry.Square(2, 1)),
        // Unit horizontal stride: im2col fetches each lane's 4 columns as the two texels they straddle, at every offset
        // into them (taps reaching 2 left to 2 right of the pixel), the first one before the tensor's start.
        ["columns channel-major 3x3 stride 1"] = new Case(1, 4, 20, 8, 6, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["columns channel-major 5x5 stride 1"] = new Case(2, 4, 18, 8, 4, 5, 5, Conv2dGeometry.Square(1, 2)),
        // Widths that are not multiples of 4 are padded to one on CPU devices and run the vec4 or columns kernels
        // (Conv2dWidened); the reference has no padding columns, so any leak of them into the result shows.
        ["widened 3x3, odd width"] = new Case(2, 4, 5, 9, 6, 3, 3, Conv2dGeometry.Square(1, 1)),
        ["widened groups 2, odd width"] = new Case(1, 8, 6, 7, 8, 3, 3, Conv2dGeometry.Square(1, 1, 1, 2)),
        ["widened stride 2, odd width"] = new Case(1, 4, 9, 11, 8, 3, 3, Conv2dGeometry.Square(2, 1)),
        // col2im would loop about 155,000 times per invocation here (rows not a multiple of 4 wide, one pixel per step),
        // past lavapipe's 65,535 (CpuLoopBudget), and leave rows unwritten; the input gradient must take the direct
        // kernel instead.
        ["stride 2 past lavapipe's loop limit"] = new Case(1, 2, 260, 258, 2, 3, 3, Conv2dGeometry.Square(2, 1)),
        // Groups keep it off the columns path, on conv2d_backward_weight_vec4.comp: one invocation would loop 16,400 rows x
        // 4 times; the wrapper splits it into row bands.
        ["vec4 weight gradient past lavapipe's loop limit"] = new Case(1, 2, 16400, 8, 8, 3, 3, Conv2dGeometry.Square(1, 1, 1, 2)),
        // The stem's shape (3 channels, stride 2) with 261x261 outputs (an odd pixel count keeps it on the scalar kernel):
        // one invocation of the scalar weight gradient would loop about 68,600 times; the wrapper splits it into row bands.
        ["stem weight gradient past lavapipe's loop limit"] = new Case(1, 3, 522, 522, 8, 3, 3, Conv2dGeometry.Square(2, 1)),
        // 27 weight columns per output channel: the weight gradient pads the input to 4 channels for the columns GEMM
        // (Conv2dChannelPadded).
        ["stem-shaped weight gradient, channels padded"] = new Case(2, 3, 20, 24, 8, 3, 3, Conv2dGeometry.Square(2, 1)),
    };

    public static TheoryData<string> Cases() => new(Named.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardMatchesReference(string name)
    {
        var s = Named[name];
        var x = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 1));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 2));
        var bias = Numerics.RoundToFloat(Numerics.Random(s.O, 3));
        // Training and inference recordings may pick different paths (columns to reuse, or Winograd and direct kernels).
        foreach (var recordsBackward in new[] { true, false })
        {
            var y = Device.Poisoned("y", s.ShapeY);
            using (var recorder = Device.BeginRecording())
            {
                recorder.RecordsBackward = recordsBackward;
                recorder.Conv2d(Device.Upload("x", x, s.ShapeX), Device.Upload("w", w, s.ShapeW), Device.Upload("bias", bias, s.O), y, s.G);
                recorder.Submit();
            }
            Numerics.AssertClose(Device.Read(y), Forward(s, x, w, bias), what: name + (recordsBackward ? " (training)" : " (inference)"));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DeviceBackwardMatchesReference(string name)
    {
        var s = Named[name];
        var x = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 4));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 5));
        var gradY = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeY), 6));
        var (gradX, gradW, gradBias) = Backward(s, x, w, gradY);
        var dx = Device.Poisoned("dx", s.ShapeX);
        var dw = Device.Poisoned("dw", s.ShapeW);
        var db = Device.Poisoned("db", s.O);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Conv2dBackward(Device.Upload("x", x, s.ShapeX), Device.Upload("w", w, s.ShapeW), Device.Upload("gradY", gradY, s.ShapeY),
                dx, dw, db, s.G);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dx), gradX, what: name + " dx");
        Numerics.AssertClose(Device.Read(dw), gradW, what: name + " dw");
        Numerics.AssertClose(Device.Read(db), gradBias, what: name + " db");
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(1, 1, 1, 2)]
    public void ReferenceBackwardMatchesFiniteDifferences(int stride, int pad, int dilation, int groups)
    {
        var s = new Case(2, 2, 5, 4, 4, 3, 2, Conv2dGeometry.Square(stride, pad, dilation, groups));
        var x = Numerics.Random(Count(s.ShapeX), 7);
        var w = Numerics.Random(Count(s.ShapeW), 8);
        var bias = Numerics.Random(s.O, 9);
        var gradY = Numerics.Random(Count(s.ShapeY), 10);
        var (gradX, gradW, gradBias) = Backward(s, x, w, gradY);
        Numerics.AssertClose(gradX, Numerics.NumericGradient(v => Forward(s, v, w, bias), x, gradY), 1e-7, "dx");
        Numerics.AssertClose(gradW, Numerics.NumericGradient(v => Forward(s, x, v, bias), w, gradY), 1e-7, "dw");
        Numerics.AssertClose(gradBias, Numerics.NumericGradient(v => Forward(s, x, w, v), bias, gradY), 1e-7, "db");
    }

    [Theory]
    [InlineData(5, 3, 3)] // general kernels
    [InlineData(8, 4, 6)] // vec4 kernels (6 outputs keep it off Winograd)
    [InlineData(4, 8, 4)] // im2col GEMM path, pixel-major
    [InlineData(7, 4, 6)] // widened to 8 columns (Conv2dWidened)
    [InlineData(41, 64, 64)] // Winograd F(2x2, 3x3) (Conv2dWinograd), scalar stores
    [InlineData(44, 64, 64)] // Winograd F(2x2, 3x3), vec4 stores
    [InlineData(129, 32, 32)] // Winograd F(4x4, 3x3), scalar stores
    [InlineData(128, 32, 32)] // Winograd F(4x4, 3x3), vec4 stores
    public void BackwardAccumulatesIntoExistingGradients(int width, int channels, int outChannels)
    {
        var s = new Case(1, channels, 6, width, outChannels, 3, 3, Conv2dGeometry.Square(1, 1));
        var x = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 11));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 12));
        var gradY = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeY), 13));
        var startX = Numerics.RoundToFloat(Numerics.Random(x.Length, 14));
        var startW = Numerics.RoundToFloat(Numerics.Random(w.Length, 15));
        var (gradX, gradW, _) = Backward(s, x, w, gradY);
        var dx = Device.Upload("dx", startX, s.ShapeX);
        var dw = Device.Upload("dw", startW, s.ShapeW);
        using (var recorder = Device.BeginRecording())
        {
            recorder.Conv2dBackward(Device.Upload("x", x, s.ShapeX), Device.Upload("w", w, s.ShapeW), Device.Upload("gradY", gradY, s.ShapeY),
                dx, dw, null, s.G, accumulate: true);
            recorder.Submit();
        }
        Numerics.AssertClose(Device.Read(dx), gradX.Select((v, i) => v + startX[i]).ToArray(), what: "dx");
        Numerics.AssertClose(Device.Read(dw), gradW.Select((v, i) => v + startW[i]).ToArray(), what: "dw");
    }

    [Theory]
    [InlineData("columns pixel-major", true, true)]
    [InlineData("columns stride 2, wide rows", false, true)]
    [InlineData("columns channel-major, dilated", true, false)]
    [InlineData("columns channel-major 3x3 stride 1", true, false)]
    [InlineData("columns channel-major 5x5 stride 1", true, false)]
    public void UngroupedConvolutionsTakeTheColumnsPath(string name, bool narrow, bool pixelMajor)
    {
        var s = Named[name];
        using var recorder = Device.BeginRecording(profile: true);
        var x = Device.Poisoned("x", s.ShapeX);
        var w = Device.Poisoned("w", s.ShapeW);
        recorder.Conv2d(x, w, null, Device.Poisoned("y", s.ShapeY), s.G);
        recorder.Conv2dBackward(x, w, Device.Poisoned("gradY", s.ShapeY), Device.Poisoned("dx", s.ShapeX), Device.Poisoned("dw", s.ShapeW), null, s.G);
        recorder.Submit();
        var kernels = recorder.Timings.Select(t => t.Kernel.Split('/')[0]).ToList();
        // The forward unfolds; the weight gradient reuses its channel-major columns (ConvColumnsCache) and unfolds again
        // after a pixel-major forward. The input gradient folds back with col2im where rows are narrow or strided, and
        // otherwise runs the direct kernel (conv2d_vec4 with mirrored weights).
        Assert.Equal(pixelMajor ? 2 : 1, kernels.Count(k => k == "conv2d_im2col"));
        var strided = s.G.StrideH > 1 || s.G.StrideW > 1;
        Assert.Equal(narrow || strided, kernels.Contains("conv2d_col2im"));
        Assert.Equal(!(narrow || strided), kernels.Contains("conv2d_vec4"));
        Assert.DoesNotContain(kernels, k => k is "conv2d_backward_input" or "conv2d_backward_weight" or "conv2d_backward_weight_vec4");
        Assert.Equal(pixelMajor, kernels.Contains("permute")); // the pixel-major forward writes NHWC, then permutes
    }

    [Fact]
    public void AnInferenceForwardRunsTheDirectKernelInsteadOfUnfolding()
    {
        // 5x5 stride 1 with 16-wide rows: training unfolds columns for the weight gradient to reuse; a recorder that
        // records no backward (an inference context) runs the direct vec4 kernel, and both give the same result.
        var s = new Case(1, 4, 12, 16, 8, 5, 5, Conv2dGeometry.Square(1, 2));
        var x = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 40));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 41));
        var tx = Device.Upload("x", x, s.ShapeX);
        var tw = Device.Upload("w", w, s.ShapeW);
        foreach (var recordsBackward in new[] { true, false })
        {
            var y = Device.Poisoned("y", s.ShapeY);
            using var recorder = Device.BeginRecording(profile: true);
            recorder.RecordsBackward = recordsBackward;
            recorder.Conv2d(tx, tw, null, y, s.G);
            recorder.Submit();
            var kernels = recorder.Timings.Select(t => t.Kernel.Split('/')[0]).ToList();
            Assert.Equal(recordsBackward, kernels.Contains("conv2d_im2col"));
            Assert.Equal(!recordsBackward, kernels.Contains("conv2d_vec4"));
            Numerics.AssertClose(Device.Read(y), Forward(s, x, w, null), what: recordsBackward ? "columns" : "direct");
        }
        using var context = Device.BeginRecording();
        Assert.False(new ModuleContext(Device, context, KernelGradientAccumulator.Instance, recordsBackward: false).Recorder.RecordsBackward);
        Assert.True(new ModuleContext(Device, context, KernelGradientAccumulator.Instance, recordsBackward: true).Recorder.RecordsBackward);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheWeightGradientUnfoldsAgainWhenTheInputWasWrittenAfterTheForward(bool byUpload)
    {
        // The forward's columns are reused only while they still unfold the input as it is now (ConvColumnsCache).
        var s = Named["columns channel-major, dilated"];
        var first = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 30));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 31));
        var gradY = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeY), 32));
        var second = byUpload ? Numerics.RoundToFloat(Numerics.Random(first.Length, 33)) : Enumerable.Repeat(0.5, first.Length).ToArray();
        var x = Device.Upload("x", first, s.ShapeX);
        var tw = Device.Upload("w", w, s.ShapeW);
        var dw = Device.Poisoned("dw", s.ShapeW);
        var y = Device.Poisoned("y", s.ShapeY);
        static int Unfolds(ClustSeg.Runtime.Recording.CommandRecorder r) =>
            r.Timings.Count(t => t.Kernel.StartsWith("conv2d_im2col", StringComparison.Ordinal));
        var unfolds = 0;
        using (var recorder = Device.BeginRecording(profile: true))
        {
            recorder.Conv2d(x, tw, null, y, s.G);
            if (byUpload)
            {
                recorder.Submit();
                unfolds += Unfolds(recorder);
                Device.Upload<float>(x, second.Select(v => (float)v).ToArray());
                using var backward = Device.BeginRecording(profile: true);
                backward.Conv2dBackward(x, tw, Device.Upload("gradY", gradY, s.ShapeY), null, dw, null, s.G);
                backward.Submit();
                unfolds += Unfolds(backward);
            }
            else
            {
                recorder.Fill(x, 0.5f);
                recorder.Conv2dBackward(x, tw, Device.Upload("gradY", gradY, s.ShapeY), null, dw, null, s.G);
                recorder.Submit();
                unfolds += Unfolds(recorder);
            }
        }
        Assert.Equal(2, unfolds);
        Numerics.AssertClose(Device.Read(dw), Backward(s, second, w, gradY).GradW, what: "dw");
    }

    [Theory]
    [InlineData("widened 3x3, odd width")]
    [InlineData("widened groups 2, odd width")]
    [InlineData("widened stride 2, odd width")] // its weight gradient stays general: 30 output pixels fit neither vec4 path
    public void OddWidthsRunOnTheVectorKernelsThroughPadding(string name)
    {
        var s = Named[name];
        using var recorder = Device.BeginRecording(profile: true);
        var x = Device.Poisoned("x", s.ShapeX);
        var w = Device.Poisoned("w", s.ShapeW);
        recorder.Conv2d(x, w, null, Device.Poisoned("y", s.ShapeY), s.G);
        var strided = s.G.StrideW > 1;
        recorder.Conv2dBackward(x, w, Device.Poisoned("gradY", s.ShapeY), null, strided ? null : Device.Poisoned("dw", s.ShapeW), null, s.G);
        recorder.Submit();
        var kernels = recorder.Timings.Select(t => t.Kernel.Split('/')[0]).ToList();
        Assert.Contains("plane_copy", kernels);
        Assert.DoesNotContain(kernels, k => k is "conv2d" or "conv2d_backward_weight");
    }

    [Fact]
    public void TheStemsWeightGradientRunsOnTheColumnsPathThroughPaddedChannelsAndAccumulates()
    {
        var s = Named["stem-shaped weight gradient, channels padded"];
        var x = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeX), 50));
        var w = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeW), 51));
        var gradY = Numerics.RoundToFloat(Numerics.Random(Count(s.ShapeY), 52));
        var start = Numerics.RoundToFloat(Numerics.Random(w.Length, 53));
        var dw = Device.Upload("dw", start, s.ShapeW);
        using var recorder = Device.BeginRecording(profile: true);
        recorder.Conv2dBackward(Device.Upload("x", x, s.ShapeX), Device.Upload("w", w, s.ShapeW), Device.Upload("gradY", gradY, s.ShapeY), null,
            dw, null, s.G, accumulate: true);
        recorder.Submit();
        var kernels = recorder.Timings.Select(t => t.Kernel.Split('/')[0]).ToList();
        Assert.Contains("conv2d_im2col", kernels);
        Assert.DoesNotContain("conv2d_backward_weight", kernels);
        Numerics.AssertClose(Device.Read(dw), Backward(s, x, w, gradY).GradW.Select((v, i) => v + start[i]).ToArray(), what: "dw");
    }

    [Theory]
    [InlineData("winograd 3x3 pad 1", 2)]
    [InlineData("winograd odd sizes", 2)]
    [InlineData("winograd pad 0 x 2", 2)]
    [InlineData("winograd wide rows", 2)]
    [InlineData("winograd 4x4 odd sizes", 4)]
    [InlineData("winograd 4x4 pad 0 x 2", 4)]
    [InlineData("winograd 4x4 32 channels", 4)]
    public void ThreeByThreeStrideOneConvolutionsRunAsWinograd(string name, int tile)
    {
        // The inference forward and every input gradient take the transforms and the batched GEMM, F(4x4, 3x3) where
        // the map has 64 tiles of 4x4 and F(2x2, 3x3) otherwise; a training forward keeps the paths whose columns its
        // weight gradient can reuse.
        var s = Named[name];
        var x = Device.Poisoned("x", s.ShapeX);
        var w = Device.Poisoned("w", s.ShapeW);
        List<string> Kernels(bool recordsBackward)
        {
            using var recorder = Device.BeginRecording(profile: true);
            recorder.RecordsBackward = recordsBackward;
            recorder.Conv2d(x, w, null, Device.Poisoned("y", s.ShapeY), s.G);
            if (recordsBackward)
                recorder.Conv2dBackward(x, w, Device.Poisoned("gradY", s.ShapeY), Device.Poisoned("dx", s.ShapeX), Device.Poisoned("dw", s.ShapeW), null, s.G);
            recorder.Submit();
            return recorder.Timings.Select(t => t.Kernel.Split('/')[0]).ToList();
        }
        var variant = tile == 4 ? "conv2d_winograd4" : "conv2d_winograd";
        string[] winograd = ["conv2d_winograd_weights", variant + "_input", variant + "_output"];
        var inference = Kernels(recordsBackward: false);
        Assert.All(winograd, k => Assert.Equal(1, inference.Count(n => n == k)));
        Assert.DoesNotContain(inference, k => k is "conv2d" or "conv2d_vec4" or "conv2d_im2col" or "plane_copy");
        var training = Kernels(recordsBackward: true);
        Assert.All(winograd, k => Assert.Equal(1, training.Count(n => n == k))); // the input gradient
        Assert.DoesNotContain(training, k => k is "conv2d" or "conv2d_backward_input" or "conv2d_backward_weight");
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        var x = Device.Poisoned("x", 1, 4, 8, 8);
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ShapeMismatchException>(() =>
            recorder.Conv2d(x, Device.Poisoned("w", 6, 3, 3, 3), null, Device.Poisoned("y", 1, 6, 8, 8), Conv2dGeometry.Square(1, 1)));
        Assert.Contains("[6x4x3x3]", e.Message);
        Assert.Throws<ShapeMismatchException>(() =>
            recorder.Conv2d(x, Device.Poisoned("w2", 6, 4, 3, 3), null, Device.Poisoned("y2", 1, 6, 7, 7), Conv2dGeometry.Square(1, 1)));
        Assert.Throws<ShapeMismatchException>(() =>
            recorder.Conv2d(x, Device.Poisoned("w3", 6, 2, 3, 3), null, Device.Poisoned("y3", 1, 6, 8, 8), Conv2dGeometry.Square(1, 1, 1, 3)));
    }
}
