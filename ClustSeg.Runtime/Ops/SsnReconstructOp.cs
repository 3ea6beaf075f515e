using ClustSeg.Runtime.Kernels;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;

namespace ClustSeg.Runtime.Ops;

/// <summary>
/// Host wrapper of ssn_reconstruct.comp / _backward.comp: the SSN loss's reconstruction of pixel targets through the
/// soft superpixel assignment, pixels -> superpixels -> pixels: per cell V = sum A t / (sum A + 1e-6), then per
/// pixel recon = sum over its 9 neighbour cells of A V. Targets are either float [B, T, H, W] (the scaled (y, x)
/// for the compactness term) or int32 labels [B, H, W] taken as one-hot over T classes (labels outside [0, T)
/// give all-zero rows), for the label reconstruction loss.
/// </summary>
public static class SsnReconstructOp
{
    private const int Neighbours = 9;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private readonly record struct Push(int Batch, int Channels, int Height, int Width, int GridH, int GridW);

    private const uint GroupSize = 64;
    private const string Op = "SsnReconstruct";

    /// <summary>
    /// Records <paramref name="reconstruction"/> [B, T, H, W] from <paramref name="assignment"/> [B, 9, H, W] (of
    /// <see cref="SuperpixelAssignOp.SuperpixelAssign"/>; [B, 9, H * W] is accepted too) and <paramref name="targets"/>; <paramref name="cellValues"/>
    /// [B, T, gh * gw] and <paramref name="mass"/> [B, gh * gw] receive the per-superpixel means and masses
    /// (backward reads them).
    /// </summary>
    public static void SsnReconstruct(this CommandRecorder recorder, Tensor assignment, Tensor targets, int gridH, int gridW,
        Tensor cellValues, Tensor mass, Tensor reconstruction)
    {
        var (push, labels) = Check(Op, assignment, targets, gridH, gridW, cellValues, mass, reconstruction, "reconstruction");
        // Both stages bind every buffer as the shader declares it (cell values read-write, mass and reconstruction
        // written), not as the stage uses it: the hazard tracker and the synchronization validator must agree on
        // what each dispatch may write.
        Binding[] bindings =
        [
            Binding.Read(assignment), Binding.Read(targets), Binding.Read(targets), Binding.ReadWrite(cellValues), Binding.Write(mass),
            Binding.Write(reconstruction),
        ];
        recorder.Dispatch(Kernel(recorder, "ssn_reconstruct", 6, 0, labels, null), Groups.For1D(cellValues.ElementCount, GroupSize), push, bindings);
        recorder.Dispatch(Kernel(recorder, "ssn_reconstruct", 6, 1, labels, null), Groups.For1D(reconstruction.ElementCount, GroupSize), push, bindings);
    }

    /// <summary>
    /// Records the backward to the assignment: writes (or, with <paramref name="accumulate"/>, adds to)
    /// <paramref name="assignmentGrad"/> [B, 9, H, W] from <paramref name="reconstructionGrad"/> [B, T, H, W], so the
    /// label and compactness terms can share one assignment gradient for
    /// <see cref="SuperpixelAssignOp.SuperpixelAssignBackward"/>. Temporaries from <c>Device.Scratch</c>: [B, T, gh * gw]
    /// and [B, gh * gw].
    /// </summary>
    public static void SsnReconstructBackward(this CommandRecorder recorder, Tensor assignment, Tensor targets, int gridH, int gridW,
        Tensor cellValues, Tensor mass, Tensor reconstructionGrad, Tensor assignmentGrad, bool accumulate)
    {
        const string op = Op + "Backward";
        var (push, labels) = Check(op, assignment, targets, gridH, gridW, cellValues, mass, reconstructionGrad, "reconstructionGrad");
        ShapeCheck.Same(op, "assignmentGrad", assignmentGrad, "assignment", assignment);
        var cellGrad = recorder.Device.Scratch.Allocate("ssn_reconstruct.cell_grad", DType.F32, cellValues.Shape.ToArray());
        var cellDot = recorder.Device.Scratch.Allocate("ssn_reconstruct.cell_dot", DType.F32, mass.Shape.ToArray());
        // Every stage binds the three read-write buffers of the shader as read-write (see SsnReconstruct).
        Binding[] bindings =
        [
            Binding.Read(assignment), Binding.Read(targets), Binding.Read(targets), Binding.Read(cellValues), Binding.Read(mass),
            Binding.Read(reconstructionGrad), Binding.ReadWrite(cellGrad), Binding.ReadWrite(cellDot), Binding.ReadWrite(assignmentGrad),
        ];
        recorder.Dispatch(Kernel(recorder, "ssn_reconstruct_backward", 9, 0, labels, accumulate), Groups.For1D(cellGrad.ElementCount, GroupSize), push, bindings);
        recorder.Dispatch(Kernel(recorder, "ssn_reconstruct_backward", 9, 1, labels, accumulate), Groups.For1D(cellDot.ElementCount, GroupSize), push, bindings);
        recorder.Dispatch(Kernel(recorder, "ssn_reconstruct_backward", 9, 2, labels, accumulate),
            Groups.For1D(assignment.ElementCount / Neighbours, GroupSize), push, bindings);
    }

    private static (Push Push, bool Labels) Check(string op, Tensor assignment, Tensor targets, int gridH, int gridW,
        Tensor cellValues, Tensor mass, Tensor reconstruction, string reconstructionName)
    {
        ShapeCheck.Rank(op, reconstructionName, reconstruction, 4);
        var (batch, channels, height, width) = (reconstruction.Dim(0), reconstruction.Dim(1), reconstruction.Dim(2), reconstruction.Dim(3));
        var labels = targets.DType == DType.I32;
        if (labels) ShapeCheck.Exactly(op, "targets", targets, batch, height, width);
        else ShapeCheck.Exactly(op, "targets", targets, batch, channels, height, width);
        ShapeCheck.Exactly(op, reconstructionName, reconstruction, batch, channels, height, width);
        ShapeCheck.That(gridH >= 1 && gridW >= 1 && gridH <= height && gridW <= width, op,
            $"the superpixel grid {gridH}x{gridW} must have at least one cell and no more cells per side than 'assignment' [{assignment.ShapeText}] has pixels.");
        // [B, 9, H, W] as SuperpixelEmStep writes it, or the same memory as [B, 9, H * W] (SuperpixelAssign's layout).
        ShapeCheck.That(assignment.Shape.SequenceEqual([batch, Neighbours, height, width])
                        || assignment.Shape.SequenceEqual([batch, Neighbours, height * width]), op,
            $"'assignment' ({assignment.Name}) must have shape [{batch}x9x{height}x{width}] or [{batch}x9x{height * width}] to match " +
            $"'{reconstructionName}' [{reconstruction.ShapeText}], got [{assignment.ShapeText}].");
        ShapeCheck.Exactly(op, "cellValues", cellValues, batch, channels, gridH * gridW);
        ShapeCheck.Exactly(op, "mass", mass, batch, gridH * gridW);
        return (new Push(batch, channels, height, width, gridH, gridW), labels);
    }

    private static Kernel Kernel(CommandRecorder recorder, string shader, int buffers, uint stage, bool labels, bool? accumulate) =>
        recorder.Device.GetKernel(accumulate is null
            ? new KernelSpec(shader, buffers, System.Runtime.InteropServices.Marshal.SizeOf<Push>(), GroupSize, stage, SpecConstant.Bool(labels))
            : new KernelSpec(shader, buffers, System.Runtime.InteropServices.Marshal.SizeOf<Push>(), GroupSize, stage,
                SpecConstant.Bool(labels), SpecConstant.Bool(accumulate.Value)));
}
