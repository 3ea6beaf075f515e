using System.Runtime.InteropServices;
using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of superpixel_em.comp / _backward.comp: one SSN EM step on a gh x gw grid of centres
/// (clustseg.md "Superpixel model"). Pixel (y, x) lies in cell (floor(y gh / H), floor(x gw / W)) and sees the 3 x 3
/// cells around it (neighbour j = 3 (dy + 1) + (dx + 1); those beyond the border are left out, with assignment 0).
/// E-step: A = softmax over the neighbours of -||f - c||^2. M-step: c' = sum A f / (sum A + 1e-6).
/// </summary>
public static class SuperpixelEmOp
{
    /// <summary>Neighbour slots per pixel.</summary>
    public const int Neighbours = 9;

    /// <summary>The mass normaliser's epsilon (as in the RCross M-step; SSN itself uses 1e-16).</summary>
    public const float MassEpsilon = 1e-6f;

    private const uint GroupSize = 64;
    private const string Op = "SuperpixelEmStep";

    [StructLayout(LayoutKind.Sequential)]
    internal readonly struct Push(int batch, int channels, int height, int width, int gridH, int gridW)
    {
        public readonly uint Batch = (uint)batch;
        public readonly uint Channels = (uint)channels;
        public readonly uint Height = (uint)height;
        public readonly uint Width = (uint)width;
        public readonly uint GridH = (uint)gridH;
        public readonly uint GridW = (uint)gridW;
    }

    /// <summary>
    /// Records the EM step: from <paramref name="features"/> [B, C, H, W] and <paramref name="centres"/>
    /// [B, C, gh * gw] (row-major cells), writes <paramref name="assignment"/> [B, 9, H, W],
    /// <paramref name="newCentres"/> [B, C, gh * gw] and <paramref name="mass"/> [B, gh * gw] (kept for backward).
    /// </summary>
    public static void SuperpixelEmStep(this CommandRecorder recorder, Tensor features, Tensor centres, int gridH, int gridW,
        Tensor assignment, Tensor newCentres, Tensor mass)
    {
        var push = Check(Op, features, centres, gridH, gridW, assignment, mass);
        ShapeCheck.Same(Op, "newCentres", newCentres, "centres", centres);
        Binding[] bindings = [Binding.Read(features), Binding.Read(centres), Binding.Write(assignment), Binding.Read(newCentres), Binding.Read(mass)];
        recorder.Dispatch(Kernel(recorder, 0, false, 5, "superpixel_em"), Groups.For1D(features.ElementCount / push.Channels, GroupSize), push, bindings);
        bindings[2] = Binding.Read(assignment);
        bindings[3] = Binding.Write(newCentres);
        bindings[4] = Binding.Write(mass);
        recorder.Dispatch(Kernel(recorder, 1, false, 5, "superpixel_em"), Groups.For1D(centres.ElementCount, GroupSize), push, bindings);
    }

    /// <summary>
    /// Records the backward of <see cref="SuperpixelEmStep"/>: overwrites <paramref name="featuresGrad"/> and
    /// <paramref name="centresGrad"/> from <paramref name="newCentresGrad"/> and, when not null,
    /// <paramref name="assignmentGrad"/> [B, 9, H, W] (for losses that read the soft assignment). Temporaries from
    /// <c>Device.Scratch</c>: [B, gh * gw] and the logit gradients [B, 9, H, W].
    /// </summary>
    public static void SuperpixelEmStepBackward(this CommandRecorder recorder, Tensor features, Tensor centres, int gridH, int gridW,
        Tensor assignment, Tensor newCentres, Tensor mass, Tensor newCentresGrad, Tensor? assignmentGrad, Tensor featuresGrad, Tensor centresGrad)
    {
        const string op = Op + "Backward";
        var push = Check(op, features, centres, gridH, gridW, assignment, mass);
        ShapeCheck.Same(op, "newCentres", newCentres, "centres", centres);
        ShapeCheck.Same(op, "newCentresGrad", newCentresGrad, "centres", centres);
        if (assignmentGrad is not null) ShapeCheck.Same(op, "assignmentGrad", assignmentGrad, "assignment", assignment);
        ShapeCheck.Same(op, "featuresGrad", featuresGrad, "features", features);
        ShapeCheck.Same(op, "centresGrad", centresGrad, "centres", centres);
        var device = recorder.Device;
        var centreDot = device.Scratch.Allocate("superpixel_em.centre_dot", DType.F32, features.Dim(0), gridH * gridW);
        var logitsGrad = device.Scratch.Allocate("superpixel_em.logits_grad", DType.F32, assignment.Shape.ToArray());
        var hasExtra = assignmentGrad is not null;
        Binding[] bindings =
        [
            Binding.Read(features), Binding.Read(centres), Binding.Read(assignment), Binding.Read(newCentres), Binding.Read(mass),
            Binding.Read(newCentresGrad), Binding.Read(assignmentGrad ?? assignment), Binding.Write(centreDot), Binding.Read(logitsGrad),
            Binding.Read(featuresGrad), Binding.Read(centresGrad),
        ];
        recorder.Dispatch(Kernel(recorder, 0, hasExtra, 11, "superpixel_em_backward"), Groups.For1D(centreDot.ElementCount, GroupSize), push, bindings);
        bindings[7] = Binding.Read(centreDot);
        bindings[8] = Binding.Write(logitsGrad);
        bindings[9] = Binding.Write(featuresGrad);
        recorder.Dispatch(Kernel(recorder, 1, hasExtra, 11, "superpixel_em_backward"), Groups.For1D(features.ElementCount / push.Channels, GroupSize), push, bindings);
        bindings[8] = Binding.Read(logitsGrad);
        bindings[9] = Binding.Read(featuresGrad);
        bindings[10] = Binding.Write(centresGrad);
        recorder.Dispatch(Kernel(recorder, 2, hasExtra, 11, "superpixel_em_backward"), Groups.For1D(centres.ElementCount, GroupSize), push, bindings);
    }

    /// <summary>Checks features [B, C, H, W], centres [B, C, gh * gw], assignment [B, 9, H, W] and mass [B, gh * gw].</summary>
    internal static Push Check(string op, Tensor features, Tensor centres, int gridH, int gridW, Tensor assignment, Tensor? mass)
    {
        ShapeCheck.Rank(op, "features", features, 4);
        var (batch, channels, height, width) = (features.Dim(0), features.Dim(1), features.Dim(2), features.Dim(3));
        ShapeCheck.That(gridH >= 1 && gridW >= 1 && gridH <= height && gridW <= width, op,
            $"the superpixel grid {gridH}x{gridW} must have at least one cell and no more cells per side than 'features' [{features.ShapeText}] has pixels.");
        ShapeCheck.That(channels > 0, op, $"'features' ({features.Name}) needs at least one channel.");
        ShapeCheck.Exactly(op, "centres", centres, batch, channels, gridH * gridW);
        ShapeCheck.Exactly(op, "assignment", assignment, batch, Neighbours, height, width);
        if (mass is not null) ShapeCheck.Exactly(op, "mass", mass, batch, gridH * gridW);
        return new Push(batch, channels, height, width, gridH, gridW);
    }

    private static Kernel Kernel(CommandRecorder recorder, uint stage, bool hasAssignmentGrad, int buffers, string shader) =>
        recorder.Device.GetKernel(shader == "superpixel_em"
            ? new KernelSpec(shader, buffers, Marshal.SizeOf<Push>(), GroupSize, stage)
            : new KernelSpec(shader, buffers, Marshal.SizeOf<Push>(), GroupSize, stage, SpecConstant.Bool(hasAssignmentGrad)));
}
