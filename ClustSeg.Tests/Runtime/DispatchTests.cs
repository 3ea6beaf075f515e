using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Runtime;

public sealed class DispatchTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct ProbePush(uint count, float scale)
    {
        public readonly uint Count = count;
        public readonly float Scale = scale;
    }

    private static float[] Ramp(int n, float start = 0) => Enumerable.Range(0, n).Select(i => start + 0.5f * i).ToArray();

    private void Probe(CommandRecorder recorder, Tensor source, Tensor destination, float scale, float offset)
    {
        var kernel = Device.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(offset)));
        var count = (uint)source.ElementCount;
        recorder.Dispatch(kernel, Groups.For1D(count, 64), new ProbePush(count, scale), Binding.Read(source), Binding.Write(destination));
    }

    [Fact]
    public void UploadDispatchDownloadRoundTrip()
    {
        const int n = 1000; // not a multiple of the workgroup size
        var a = Device.Scratch.Allocate("a", DType.F32, n);
        var b = Device.Scratch.Allocate("b", DType.F32, n);
        Device.Upload<float>(a, Ramp(n));
        using (var recorder = Device.BeginRecording())
        {
            Probe(recorder, a, b, scale: 1, offset: 0);
            recorder.Submit();
        }
        var result = Device.Download<float>(b);
        for (var i = 0; i < n; i++) Assert.Equal(0.5f * i + i, result[i]);
    }

    [Fact]
    public void SpecializationAndPushConstantsReachTheShader()
    {
        const int n = 77;
        var a = Device.Scratch.Allocate("a", DType.F32, n);
        var b = Device.Scratch.Allocate("b", DType.F32, n);
        var c = Device.Scratch.Allocate("c", DType.F32, n);
        Device.Upload<float>(a, Ramp(n, 1));
        using (var recorder = Device.BeginRecording())
        {
            Probe(recorder, a, b, scale: 3, offset: 100);  // one pipeline per specialization value
            Probe(recorder, a, c, scale: -2, offset: -7);
            recorder.Submit();
        }
        var x = Ramp(n, 1);
        var rb = Device.Download<float>(b);
        var rc = Device.Download<float>(c);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] * 3 + 100 + i, rb[i]);
            Assert.Equal(x[i] * -2 - 7 + i, rc[i]);
        }
    }

    [Fact]
    public void WriteThenReadInOneCommandBufferGetsABarrier()
    {
        const int n = 4099;
        var a = Device.Scratch.Allocate("a", DType.F32, n);
        var b = Device.Scratch.Allocate("b", DType.F32, n);
        var c = Device.Scratch.Allocate("c", DType.F32, n);
        Device.Upload<float>(a, Ramp(n));
        using var recorder = Device.BeginRecording();
        Probe(recorder, a, b, scale: 2, offset: 1);   // b = 2a + 1 + i
        Probe(recorder, b, c, scale: 3, offset: 0);   // c = 3b + i: reads what the first wrote
        recorder.Submit();
        Assert.Equal(1, recorder.BarrierCount);
        var x = Ramp(n);
        var rc = Device.Download<float>(c);
        for (var i = 0; i < n; i++) Assert.Equal(3 * (2 * x[i] + 1 + i) + i, rc[i], 1e-3f);
    }

    [Fact]
    public void OverwritingWhatWasReadGetsABarrier()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 64);
        var b = Device.Scratch.Allocate("b", DType.F32, 64);
        using var recorder = Device.BeginRecording();
        Probe(recorder, a, b, 1, 0);
        recorder.Fill(a, 5f); // write-after-read on a
        recorder.Submit();
        Assert.Equal(1, recorder.BarrierCount);
    }

    [Fact]
    public void ABufferTheShaderMayWriteCountsAsWrittenEvenWhenBoundAsRead()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 64);
        var b = Device.Scratch.Allocate("b", DType.F32, 64);
        var c = Device.Scratch.Allocate("c", DType.F32, 64);
        var kernel = Device.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(0f)));
        Assert.Equal([1], kernel.WritableBindings);
        using var recorder = Device.BeginRecording();
        // probe.comp writes binding 1; declaring it read must not let the next reader of b run without a barrier.
        recorder.Dispatch(kernel, Groups.For1D(64, 64), new ProbePush(64, 1f), Binding.Read(a), Binding.Read(b));
        Probe(recorder, b, c, 1, 0);
        recorder.Submit();
        Assert.Equal(1, recorder.BarrierCount);
    }

    [Fact]
    public void IndependentDispatchesGetNoBarrier()
    {
        var tensors = Enumerable.Range(0, 6).Select(i => Device.Scratch.Allocate($"t{i}", DType.F32, 100)).ToArray();
        using var recorder = Device.BeginRecording();
        Probe(recorder, tensors[0], tensors[1], 1, 0);
        Probe(recorder, tensors[2], tensors[3], 1, 0);
        Probe(recorder, tensors[0], tensors[4], 1, 0); // two readers of one tensor do not conflict
        recorder.Fill(tensors[5], 1f);
        recorder.Submit();
        Assert.Equal(0, recorder.BarrierCount);
    }

    [Fact]
    public void LongRecordingsSplitIntoSeveralSubmitsAndStayOrdered()
    {
        var messages = new List<ClustSeg.Runtime.Vulkan.ValidationMessage>();
        using var device = ClustSeg.Runtime.Vulkan.GpuDevice.Create(new() { Validate = true, PipelineCacheDirectory = "", MaxDispatchesPerSubmit = 4, OnValidationMessage = messages.Add });
        var a = device.Scratch.Allocate("a", DType.F32, 10);
        var b = device.Scratch.Allocate("b", DType.F32, 10);
        device.Upload<float>(a, new float[10]);
        var kernel = device.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(1)));
        using var recorder = device.BeginRecording();
        for (var step = 0; step < 10; step++) // ping-pong: each adds 1 + i
        {
            var (from, to) = step % 2 == 0 ? (a, b) : (b, a);
            recorder.Dispatch(kernel, Groups.For1D(10, 64), new ProbePush(10, 1), Binding.Read(from), Binding.Write(to));
        }
        recorder.Submit();
        Assert.Equal(3, recorder.CommandBufferCount);
        Assert.Empty(messages);
        var result = device.Download<float>(a);
        for (var i = 0; i < 10; i++) Assert.Equal(10f * (1 + i), result[i]);
    }

    [Fact]
    public void SubmittingAgainReplaysTheRecording()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 10);
        var b = Device.Scratch.Allocate("b", DType.F32, 10);
        using var recorder = Device.BeginRecording();
        Probe(recorder, a, b, 2, 0);
        Device.Upload<float>(a, Enumerable.Repeat(1f, 10).ToArray());
        recorder.Submit();
        Assert.Equal(2f, Device.Download<float>(b)[0]);
        Device.Upload<float>(a, Enumerable.Repeat(5f, 10).ToArray());
        recorder.Submit();
        Assert.Equal(10f, Device.Download<float>(b)[0]);
        Assert.Throws<InvalidOperationException>(() => recorder.Fill(a, 0f));
    }

    [Fact]
    public void ReplayRefusesTensorsWhoseMemoryWasReclaimed()
    {
        var a = Device.Scratch.Allocate("replayed", DType.F32, 10);
        using var recorder = Device.BeginRecording();
        recorder.Fill(a, 5f);
        recorder.Submit();
        Device.Scratch.Reset();
        var other = Device.Scratch.Allocate("other", DType.F32, 10);
        Device.Upload<float>(other, new float[10]);
        var e = Assert.Throws<ObjectDisposedException>(() => recorder.Submit());
        Assert.Contains("'replayed'", e.Message);
        Assert.Equal(new float[10], Device.Download<float>(other));
    }

    [Fact]
    public void FillsAreOrderedWithTheDispatchesAroundThem()
    {
        // A fill between two dispatches on the same tensor: each must see the other's result (the barriers cover
        // transfer writes as well as shader accesses), and integer fills write the exact bits.
        const int n = 1001;
        var a = Device.Upload("a", Enumerable.Repeat(7.0, n).ToArray(), n);
        var b = Device.Scratch.Allocate("b", DType.F32, n);
        var c = Device.Scratch.Allocate("c", DType.F32, n);
        var labels = Device.Scratch.Allocate("labels", DType.I32, 5);
        using (var recorder = Device.BeginRecording())
        {
            Probe(recorder, a, b, scale: 1, offset: 0);   // b = 7 + i
            recorder.Fill(a, -2.5f);                      // after the read of a
            Probe(recorder, a, c, scale: 2, offset: 0);   // c = -5 + i, after the fill
            recorder.Fill(labels, -1);
            recorder.Submit();
            Assert.Equal(2, recorder.FillCount);
            Assert.Equal(4, recorder.CommandCount);
        }
        var bv = Device.Download<float>(b);
        var cv = Device.Download<float>(c);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(7f + i, bv[i]);
            Assert.Equal(-5f + i, cv[i]);
        }
        Assert.Equal(Enumerable.Repeat(-1, 5), Device.Download<int>(labels));
    }

    [Fact]
    public void ProfilingTimesEveryDispatch()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 1000);
        var b = Device.Scratch.Allocate("b", DType.F32, 1000);
        using var recorder = Device.BeginRecording(profile: true);
        recorder.Fill(a, 1f);
        Probe(recorder, a, b, 1, 0);
        recorder.Submit();
        Assert.True(recorder.Profiling);
        Assert.Equal(["fill", "probe"], recorder.Timings.Select(t => t.Label));
        Assert.All(recorder.Timings, t => Assert.True(t.Milliseconds >= 0));
    }

    [Fact]
    public void MismatchedBindingsAreRejectedWithTheKernelName()
    {
        var a = Device.Scratch.Allocate("a", DType.F32, 10);
        var kernel = Device.GetKernel(new KernelSpec("probe", 2, 8, SpecConstant.Float(0)));
        using var recorder = Device.BeginRecording();
        var e = Assert.Throws<ArgumentException>(() => recorder.Dispatch(kernel, (1, 1, 1), new ProbePush(10, 1), Binding.Read(a)));
        Assert.Contains("'probe' takes 2 buffers", e.Message);
    }
}
