using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>row_embedding</c>: adds row <c>index</c> of a learned [rows, dim] table to every position of the last dimension
/// (the level embedding); weight [rows, dim] drawn from N(0, 1).
/// </summary>
public sealed class RowEmbedding : IndexedUnaryPrimitive
{
    /// <summary>Creates the layer and registers <c>weight</c>.</summary>
    /// <param name="rows">Rows of the table (e.g. feature levels).</param>
    /// <param name="dim">Width of each row and of the input's last dimension.</param>
    public RowEmbedding(int rows, int dim)
    {
        if (rows < 1 || dim < 1) throw new ArgumentException($"row_embedding({rows}, {dim}): rows and dim must be at least 1.");
        Rows = rows;
        Dim = dim;
        Weight = RegisterParameter("weight", [rows, dim], ParameterInit.Normal(0, 1), weightDecay: false);
    }

    /// <summary>Rows of the table.</summary>
    public int Rows { get; }

    /// <summary>Width of a row.</summary>
    public int Dim { get; }

    /// <summary>The table [rows, dim].</summary>
    public Parameter Weight { get; }

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor input, int index)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Require(input.Rank >= 1 && input.Dim(-1) == Dim, Describe(this), $"expects a last dimension of {Dim}, got '{input.Name}' [{input.ShapeText}].");
        Require(index >= 0 && index < Rows, Describe(this), $"row {index} is outside the table's {Rows} rows.");
        var positions = checked((int)(input.ElementCount / Dim));
        var output = ScratchLike(context, Path + ".out", input);
        // level_embed_add adds level[index, c] over the planes of [N, C, H, W]: here N = positions, C = dim, H = W = 1.
        context.Recorder.LevelEmbedAdd(input.Reshape(positions, Dim, 1, 1), Weight.Value, index, output.Reshape(positions, Dim, 1, 1));
        SaveForBackward(context, index);
        return output;
    }

    /// <inheritdoc />
    public override Tensor? Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var index = RestoreForBackward<int>();
        if (outputGradient is null) return null;
        var positions = checked((int)(outputGradient.ElementCount / Dim));
        context.Recorder.LevelEmbedAddBackward(outputGradient.Reshape(positions, Dim, 1, 1), Weight.Grad, index, accumulate: true);
        // The input's gradient is the output's, unchanged; gradients are never written in place, so it can be shared.
        return outputGradient;
    }
}
