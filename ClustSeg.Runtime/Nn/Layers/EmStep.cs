using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Tensors;
using static ClustSeg.Runtime.Nn.Layers.LayerSupport;

namespace ClustSeg.Runtime.Nn.Layers;

/// <summary>
/// <c>em_step(heads, eps)</c>: one RCross E and M step (clustseg.md): per head, the assignment is the softmax over
/// clusters of q kᵀ / sqrt(D / heads), and the new centres are the assignment-weighted sums of v divided by
/// (mass + eps). q [B, K, D], k and v [B, N, D]; output [B, K, D].
/// </summary>
public sealed class EmStep : TernaryPrimitive
{
    /// <summary>Creates the layer.</summary>
    /// <param name="heads">Number of heads; divides the width.</param>
    /// <param name="eps">The mass normaliser; the kernel fixes it at <see cref="RCrossEmOp.MassEpsilon"/> (1e-6, as clustseg.md specifies).</param>
    public EmStep(int heads, float eps)
    {
        if (heads < 1) throw new ArgumentException($"em_step(heads: {heads}): needs at least one head.");
        if (Math.Abs(eps - RCrossEmOp.MassEpsilon) > 1e-3 * RCrossEmOp.MassEpsilon)
        {
            throw new ArgumentException(
                $"em_step(eps: {eps}): the RCross kernel normalises the mass with eps = {RCrossEmOp.MassEpsilon} (clustseg.md); " +
                "leave eps at its default in the layer spec.");
        }
        Heads = heads;
    }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    private sealed record Saved(Tensor Queries, Tensor Keys, Tensor Values, Tensor Assignment, Tensor Mass, Tensor Centres);

    /// <inheritdoc />
    public override Tensor Forward(ModuleContext context, Tensor first, Tensor second, Tensor third)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentNullException.ThrowIfNull(third);
        var layer = Describe(this);
        RequireRank(first, 3, "[B, K, D]", layer, "q");
        RequireRank(second, 3, "[B, N, D]", layer, "k");
        Require(second.Dim(0) == first.Dim(0) && second.Dim(2) == first.Dim(2) && third.Shape.SequenceEqual(second.Shape), layer,
            $"needs q [B, K, D] and k, v [B, N, D]; got [{first.ShapeText}], [{second.ShapeText}], [{third.ShapeText}].");
        Require(first.Dim(2) % Heads == 0, layer, $"splits the width {first.Dim(2)} into {Heads} heads, which does not divide it.");
        int batch = first.Dim(0), clusters = first.Dim(1), pixels = second.Dim(1);
        var centres = ScratchLike(context, Path + ".centres", first);
        var assignment = Scratch(context, Path + ".assignment", batch, Heads, clusters, pixels);
        var mass = Scratch(context, Path + ".mass", batch, Heads, clusters);
        context.Recorder.RCrossEmStep(first, second, third, Heads, centres, assignment, mass);
        SaveForBackward(context, new Saved(first, second, third, assignment, mass, centres));
        return centres;
    }

    /// <inheritdoc />
    public override (Tensor? First, Tensor? Second, Tensor? Third) Backward(ModuleContext context, Tensor? outputGradient)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = RestoreForBackward<Saved>();
        if (outputGradient is null) return (null, null, null);
        var queriesGradient = ScratchLike(context, Path + ".dq", s.Queries);
        var keysGradient = ScratchLike(context, Path + ".dk", s.Keys);
        var valuesGradient = ScratchLike(context, Path + ".dv", s.Values);
        context.Recorder.RCrossEmStepBackward(s.Queries, s.Keys, s.Values, Heads, s.Assignment, s.Mass, s.Centres, outputGradient,
            queriesGradient, keysGradient, valuesGradient);
        return (queriesGradient, keysGradient, valuesGradient);
    }
}
