using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of channel_copy.comp: concatenation and slicing along the channel axis of [N, C, spatial...]
/// tensors, and their backward passes (the reverse copies).
/// </summary>
public static class ChannelCopyOp
{
    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Batch, uint Span, uint SourceStride, uint SourceStart, uint DestinationStride, uint DestinationStart);

    /// <summary>The most images one dispatch covers along z; the shader loops over the rest.</summary>
    private const uint MaxImagesPerDispatch = 65535;

    /// <summary>
    /// Records <c>destination[:, destinationOffset + c] = source[:, sourceOffset + c]</c> for c below
    /// <paramref name="count"/> (or <c>+=</c> when <paramref name="accumulate"/>).
    /// </summary>
    public static void CopyChannels(this CommandRecorder recorder, Tensor source, int sourceOffset, Tensor destination,
        int destinationOffset, int count, bool accumulate = false)
    {
        const string op = "CopyChannels";
        var (n, hw) = Check(op, source, destination);
        ShapeCheck.That(count >= 0 && sourceOffset >= 0 && sourceOffset + count <= source.Dim(1), op,
            $"channels {sourceOffset}..{sourceOffset + count - 1} are outside '{source.Name}' [{source.ShapeText}].");
        ShapeCheck.That(destinationOffset >= 0 && destinationOffset + count <= destination.Dim(1), op,
            $"channels {destinationOffset}..{destinationOffset + count - 1} are outside '{destination.Name}' [{destination.ShapeText}].");
        var kernel = recorder.Device.GetKernel(new KernelSpec("channel_copy", 2, Marshal.SizeOf<Push>(), GroupSize, SpecConstant.Bool(accumulate)));
        var span = (long)count * hw;
        var push = new Push((uint)n, checked((uint)span), checked((uint)(source.Dim(1) * (long)hw)), checked((uint)(sourceOffset * (long)hw)),
            checked((uint)(destination.Dim(1) * (long)hw)), checked((uint)(destinationOffset * (long)hw)));
        // One invocation per destination vec4 that the span touches: its first vec4 may start up to 3 elements early.
        var (x, y, _) = Groups.For1D((span + 3) / 4 + 1, GroupSize);
        recorder.Dispatch(kernel, (x, y, (uint)Math.Min(n, MaxImagesPerDispatch)), push,
            Binding.Read(source), accumulate ? Binding.ReadWrite(destination) : Binding.Write(destination));
    }

    /// <summary>Records the concatenation of <paramref name="inputs"/> along channels into <paramref name="output"/>.</summary>
    public static void ConcatChannels(this CommandRecorder recorder, IReadOnlyList<Tensor> inputs, Tensor output)
    {
        var total = inputs.Sum(t => t.Rank >= 2 ? t.Dim(1) : 0);
        ShapeCheck.That(output.Rank >= 2 && total == output.Dim(1), "ConcatChannels",
            $"the inputs have {total} channels in all but 'output' ({output.Name}) is [{output.ShapeText}].");
        var offset = 0;
        foreach (var input in inputs)
        {
            recorder.CopyChannels(input, 0, output, offset, input.Dim(1));
            offset += input.Dim(1);
        }
    }

    /// <summary>
    /// Records the backward of <see cref="ConcatChannels"/>: each gradient in <paramref name="inputGradients"/> gets its
    /// slice of <paramref name="outputGradient"/> (or adds it, when <paramref name="accumulate"/>).
    /// </summary>
    public static void ConcatChannelsBackward(this CommandRecorder recorder, Tensor outputGradient, IReadOnlyList<Tensor> inputGradients, bool accumulate = false)
    {
        var total = inputGradients.Sum(t => t.Rank >= 2 ? t.Dim(1) : 0);
        ShapeCheck.That(outputGradient.Rank >= 2 && total == outputGradient.Dim(1), "ConcatChannelsBackward",
            $"the input gradients have {total} channels in all but 'outputGradient' ({outputGradient.Name}) is [{outputGradient.ShapeText}].");
        var offset = 0;
        foreach (var gradient in inputGradients)
        {
            recorder.CopyChannels(outputGradient, offset, gradient, 0, gradient.Dim(1), accumulate);
            offset += gradient.Dim(1);
        }
    }

    /// <summary>Records <c>y = x[:, offset : offset + C_y]</c>.</summary>
    public static void SliceChannels(this CommandRecorder recorder, Tensor x, int offset, Tensor y) =>
        recorder.CopyChannels(x, offset, y, 0, y.Rank >= 2 ? y.Dim(1) : 0);

    /// <summary>
    /// Records the backward of <see cref="SliceChannels"/>: <c>dx[:, offset : offset + C_dy] = dy</c> and zero elsewhere,
    /// or, when <paramref name="accumulate"/>, <c>dx[:, offset : offset + C_dy] += dy</c> leaving the rest as it is.
    /// </summary>
    public static void SliceChannelsBackward(this CommandRecorder recorder, Tensor dy, int offset, Tensor dx, bool accumulate = false)
    {
        if (!accumulate) recorder.Fill(dx, 0f);
        recorder.CopyChannels(dy, 0, dx, offset, dy.Rank >= 2 ? dy.Dim(1) : 0, accumulate: true);
    }

    private static (int N, int Hw) Check(string op, Tensor source, Tensor destination)
    {
        ShapeCheck.That(source.Rank >= 2 && destination.Rank >= 2, op,
            $"'{source.Name}' [{source.ShapeText}] and '{destination.Name}' [{destination.ShapeText}] must both be [N, C, spatial...].");
        ShapeCheck.That(source.Dim(0) == destination.Dim(0) && source.Shape.Skip(2).SequenceEqual(destination.Shape.Skip(2)), op,
            $"'{source.Name}' [{source.ShapeText}] and '{destination.Name}' [{destination.ShapeText}] must agree in every dimension but channels.");
        var hw = 1;
        for (var i = 2; i < source.Rank; i++) hw *= source.Dim(i);
        return (source.Dim(0), hw);
    }
}
