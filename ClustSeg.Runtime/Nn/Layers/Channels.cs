using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary><c>concat</c>: concatenation along dimension 1 (channels of [B, C, H, W], tokens of [B, N, D]).</summary>
public sealed class Concat : VariadicPrimitive
{
    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, IReadOnlyList<Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(inputs);
        Require(inputs.Count > 0, Describe(this), "needs at least one input.");
        var first = inputs[0];
        Require(first.Rank >= 2, Describe(this), $"joins along dimension 1, so inputs need at least 2 dimensions; got '{first.Name}' [{first.ShapeText}].");
        foreach (var input in inputs)
        {
            Require(input.Rank == first.Rank && input.Shape.Where((_, a) => a != 1).SequenceEqual(first.Shape.Where((_, a) => a != 1)), Describe(this),
                $"joins along dimension 1, so the other dimensions must match; got '{first.Name}' [{first.ShapeText}] and '{input.Name}' [{input.ShapeText}].");
        }
        var shape = first.Shape.ToArray();
        shape[1] = inputs.Sum(t => t.Dim(1));
        var output = Scratch(context, Path + ".concat", shape);
        context.Recorder.ConcatChannels(inputs, output);
        SaveForBackward(context, inputs.Select(t => t.Shape.ToArray()).ToArray());
        return output;
    }

    /// <inheritdoc />
    public override Tensor?[] Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shapes = RestoreForBackward<int[][]>();
        if (outputGradient is null) return new Tensor?[shapes.Length];
        var gradients = shapes.Select((s, i) => Scratch(context, $"{Path}.concat.d{i}", s)).ToArray();
        context.Recorder.ConcatChannelsBackward(outputGradient, gradients);
        return gradients;
    }
}

/// <summary><c>slice</c>: <c>x[:, start:end]</c> along dimension 1.</summary>
public sealed class Slice : UnaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="start">First index kept along dimension 1.</param>
    /// <param name="end">One past the last index kept.</param>
    public Slice(int start, int end)
    {
        if (start < 0 || end <= start) throw new ArgumentException($"slice(start: {start}, end: {end}): needs 0 <= start < end.");
        Start = start;
        End = end;
    }

    /// <summary>First index kept.</summary>
    public int Start { get; }

    /// <summary>One past the last index kept.</summary>
    public int End { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 2 && End <= input.Dim(1), Describe(this),
            $"takes {Start}..{End} along dimension 1, but '{input.Name}' is [{input.ShapeText}].");
        var shape = input.Shape.ToArray();
        shape[1] = End - Start;
        var output = Scratch(context, Path + ".slice", shape);
        context.Recorder.SliceChannels(input, Start, output);
        SaveForBackward(context, input.Shape.ToArray());
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var shape = RestoreForBackward<int[]>();
        if (outputGradient is null) return null;
        var inputGradient = Scratch(context, Path + ".slice.dx", shape);
        context.Recorder.SliceChannelsBackward(outputGradient, Start, inputGradient);
        return inputGradient;
    }
}
