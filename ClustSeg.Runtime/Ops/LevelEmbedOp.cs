using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrappers of level_embed_add.comp and its backward: adding a scale's row of the level embedding (and,
/// optionally, the sine position code) to NCHW features, as the RCross keys take them.
/// </summary>
public static class LevelEmbedOp
{
    private const uint GroupSize = 256;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Push(uint Batch, uint Channels, uint Hw, uint LevelIndex);

    /// <summary>
    /// Records <c>y[n, c, p] = x[n, c, p] + level[levelIndex, c]</c>, plus <c>position[c, p]</c> when
    /// <paramref name="position"/> is given.
    /// </summary>
    /// <param name="recorder">The recording.</param>
    /// <param name="x">Features [N, D, H, W].</param>
    /// <param name="level">Level embedding [levels, D].</param>
    /// <param name="levelIndex">The row of <paramref name="level"/> to add.</param>
    /// <param name="y">Output, shaped like <paramref name="x"/> (may be <paramref name="x"/> itself).</param>
    /// <param name="position">Optional position code [D, H, W], e.g. from <see cref="PositionCodeOp.SinePositionCode"/>.</param>
    public static void LevelEmbedAdd(this CommandRecorder recorder, Tensor x, Tensor level, int levelIndex, Tensor y, Tensor? position = null)
    {
        const string op = "LevelEmbedAdd";
        var push = Check(op, x, level, levelIndex);
        ShapeCheck.Same(op, "x", x, "y", y);
        if (position is not null) ShapeCheck.Exactly(op, "position", position, x.Dim(1), x.Dim(2), x.Dim(3));
        var kernel = recorder.Device.GetKernel(new KernelSpec("level_embed_add", 4, 16, GroupSize, SpecConstant.Bool(position is not null)));
        // Without a position code the shader never reads binding 2; the level tensor stands in for it.
        recorder.Dispatch(kernel, Groups.For1D(x.ElementCount, GroupSize), push,
            Binding.Read(x), Binding.Read(level), Binding.Read(position ?? level), Binding.Write(y));
    }

    /// <summary>
    /// Records the level-embedding gradient <c>dlevel[levelIndex, c] = sum over n, p of dy[n, c, p]</c> (or <c>+=</c>
    /// when <paramref name="accumulate"/>, for layers sharing a scale). Other rows of <paramref name="dlevel"/> are left
    /// as they are. The features' gradient is <c>dy</c> itself and needs no kernel; the position code has none.
    /// </summary>
    public static void LevelEmbedAddBackward(this CommandRecorder recorder, Tensor dy, Tensor dlevel, int levelIndex, bool accumulate = false)
    {
        var push = Check("LevelEmbedAddBackward", dy, dlevel, levelIndex);
        var width = ReductionWidth.For(recorder.Device, (long)dy.Dim(2) * dy.Dim(3), passes: dy.Dim(0), "LevelEmbedAddBackward"); // lanes spread over one plane at a time, per image
        var kernel = recorder.Device.GetKernel(new KernelSpec("level_embed_add_backward", 2, 16, width, SpecConstant.Bool(accumulate)));
        recorder.Dispatch(kernel, Groups.For1D(dy.Dim(1), 1), push,
            Binding.Read(dy), accumulate ? Binding.ReadWrite(dlevel) : Binding.Write(dlevel));
    }

    private static Push Check(string op, Tensor features, Tensor level, int levelIndex)
    {
        ShapeCheck.Rank(op, "features", features, 4);
        ShapeCheck.Rank(op, "level", level, 2);
        ShapeCheck.That(level.Dim(1) == features.Dim(1), op,
            $"'level' ({level.Name}) [{level.ShapeText}] must have one column per channel of [{features.ShapeText}].");
        ShapeCheck.That(levelIndex >= 0 && levelIndex < level.Dim(0), op,
            $"level {levelIndex} is out of range for '{level.Name}' [{level.ShapeText}] ({level.Dim(0)} levels).");
        return new Push((uint)features.Dim(0), (uint)features.Dim(1), (uint)(features.Dim(2) * features.Dim(3)), (uint)levelIndex);
    }
}
