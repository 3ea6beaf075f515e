using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>sine_position(channels)</c>: the 2D sine position code of the input's H×W (clustseg.md), the same for every
/// sample: [B, channels, H, W], channels/2 for y then channels/2 for x. No gradient flows to the input.
/// </summary>
public sealed class SinePosition : UnaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="channels">Channels of the code; a multiple of 4 (sin and cos for y, then for x).</param>
    public SinePosition(int channels)
    {
        if (channels < 4 || channels % 4 != 0) throw new ArgumentException($"sine_position({channels}): channels must be a positive multiple of 4.");
        Channels = channels;
    }

    /// <summary>Channels of the code.</summary>
    public int Channels { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RequireRank(input, 4, "[B, C, H, W]", Describe(this));
        int batch = input.Dim(0), height = input.Dim(2), width = input.Dim(3), plane = Channels * height * width;
        var output = Scratch(context, Path + ".position", batch, Channels, height, width);
        if (batch == 1)
        {
            context.Recorder.SinePositionCode(output.Reshape(Channels, height, width));
        }
        else
        {
            var code = Scratch(context, Path + ".position.code", Channels, height, width);
            context.Recorder.SinePositionCode(code);
            var ones = Scratch(context, Path + ".position.ones", batch, 1);
            context.Recorder.Fill(ones, 1f);
            // [B, 1] x [1, D*H*W] repeats the code once per sample.
            context.Recorder.Matmul(ones, code.Reshape(1, plane), output.Reshape(batch, plane));
        }
        SaveForBackward(context, 0);
        return output;
    }

    /// <summary>Pops the state; the code does not depend on the input's values, so no gradient flows (null).</summary>
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        RestoreForBackward<int>();
        return null;
    }
}
