using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Runtime.Superpixels;

/// <summary>
/// The differentiable part of superpixel training on given pixel features: grid seeds by adaptive average pooling,
/// T EM iterations (local 3x3-cell E-step with distance logits, normalised M-step), a final E-step, and the SSN
/// loss: the one-hot labels and the scaled (y, x) reconstructed through the soft assignment (pixels -> centres ->
/// pixels), cross-entropy for the labels and MSE for the positions (compactness). <see cref="RecordBackward"/>
/// goes back through every EM iteration and the seeds to the features.
/// </summary>
internal sealed class SsnLossRecording
{
    private readonly GpuDevice _device;
    private readonly CommandRecorder _recorder;
    private readonly Tensor _features;
    private readonly SuperpixelGrid _grid;
    private readonly Tensor[] _centres; // c_0 (seeds) .. c_T
    private readonly Tensor[] _assign;  // A_0 .. A_T (A_T is the final E-step)
    private readonly Tensor[] _mass;    // mass of M-step t
    private readonly Tensor _labels, _labelValues, _labelMass, _labelRecon, _labelCount;
    private readonly Tensor _positions, _positionValues, _positionMass, _positionRecon;

    /// <summary>Records the forward pass; the losses are <see cref="LabelLoss"/> and <see cref="CompactnessLoss"/>.</summary>
    /// <param name="device">Device; temporaries come from its scratch arena.</param>
    /// <param name="recorder">Recording to append to.</param>
    /// <param name="features">Pixel features [1, C, H, W].</param>
    /// <param name="positions">The pixels' scaled (y, x) [1, 2, H, W], the compactness target.</param>
    /// <param name="labels">Ground-truth labels int32 [1, H, W], 0 .. labelCount - 1.</param>
    /// <param name="labelCount">Number of ground-truth labels.</param>
    /// <param name="grid">The seed grid.</param>
    /// <param name="iterations">T, EM iterations before the final E-step.</param>
    public SsnLossRecording(GpuDevice device, CommandRecorder recorder, Tensor features, Tensor positions, Tensor labels, int labelCount,
        SuperpixelGrid grid, int iterations)
    {
        _device = device;
        _recorder = recorder;
        _features = features;
        _positions = positions;
        _labels = labels;
        _grid = grid;
        var scratch = device.Scratch;
        int b = features.Dim(0), c = features.Dim(1), h = features.Dim(2), w = features.Dim(3), n = h * w;
        _centres = new Tensor[iterations + 1];
        _assign = new Tensor[iterations + 1];
        _mass = new Tensor[iterations];
        _centres[0] = scratch.Allocate("ssn.centres.0", DType.F32, b, c, grid.Cells);
        recorder.AdaptiveAvgPool(features, _centres[0].Reshape(b, c, grid.Rows, grid.Cols));
        for (var t = 0; t <= iterations; t++)
        {
            _assign[t] = scratch.Allocate($"ssn.assign.{t}", DType.F32, b, 9, n);
            recorder.SuperpixelAssign(features, _centres[t], grid, _assign[t]);
            if (t == iterations) break;
            _centres[t + 1] = scratch.Allocate($"ssn.centres.{t + 1}", DType.F32, b, c, grid.Cells);
            _mass[t] = scratch.Allocate($"ssn.mass.{t}", DType.F32, b, grid.Cells);
            recorder.SuperpixelCentres(features, _assign[t], grid, _centres[t + 1], _mass[t]);
        }
        var final = _assign[iterations];

        _labelValues = scratch.Allocate("ssn.label_values", DType.F32, b, labelCount, grid.Cells);
        _labelMass = scratch.Allocate("ssn.label_mass", DType.F32, b, grid.Cells);
        _labelRecon = scratch.Allocate("ssn.label_recon", DType.F32, b, labelCount, h, w);
        recorder.SsnReconstruct(final, labels, grid.Rows, grid.Cols, _labelValues, _labelMass, _labelRecon);
        LabelLoss = scratch.Allocate("ssn.loss.label", DType.F32, 1);
        _labelCount = scratch.Allocate("ssn.loss.labelled", DType.F32, 1);
        recorder.SsnLabelLoss(_labelRecon, labels, LabelLoss, _labelCount);

        _positionValues = scratch.Allocate("ssn.position_values", DType.F32, b, 2, grid.Cells);
        _positionMass = scratch.Allocate("ssn.position_mass", DType.F32, b, grid.Cells);
        _positionRecon = scratch.Allocate("ssn.position_recon", DType.F32, b, 2, h, w);
        recorder.SsnReconstruct(final, positions, grid.Rows, grid.Cols, _positionValues, _positionMass, _positionRecon);
        CompactnessLoss = scratch.Allocate("ssn.loss.compactness", DType.F32, 1);
        recorder.MseLoss(_positionRecon, positions, CompactnessLoss);
    }

    /// <summary>The label reconstruction cross-entropy [1].</summary>
    public Tensor LabelLoss { get; }

    /// <summary>The compactness MSE [1].</summary>
    public Tensor CompactnessLoss { get; }

    /// <summary>Records the backward with the two terms weighted; returns dLoss/dFeatures [1, C, H, W].</summary>
    public Tensor RecordBackward(float labelWeight, float compactnessWeight)
    {
        var scratch = _device.Scratch;
        var r = _recorder;
        var iterations = _mass.Length;
        var final = _assign[iterations];

        var labelSeed = scratch.Allocate("ssn.loss.label.grad", DType.F32, 1);
        r.Fill(labelSeed, labelWeight);
        var labelReconGrad = scratch.Allocate("ssn.label_recon.grad", DType.F32, _labelRecon.Shape.ToArray());
        r.SsnLabelLossBackward(_labelRecon, _labels, _labelCount, labelSeed, labelReconGrad);
        var assignGrad = scratch.Allocate("ssn.assign.grad", DType.F32, final.Shape.ToArray());
        r.SsnReconstructBackward(final, _labels, _grid.Rows, _grid.Cols, _labelValues, _labelMass, labelReconGrad, assignGrad, accumulate: false);

        var positionSeed = scratch.Allocate("ssn.loss.compactness.grad", DType.F32, 1);
        r.Fill(positionSeed, compactnessWeight);
        var positionReconGrad = scratch.Allocate("ssn.position_recon.grad", DType.F32, _positionRecon.Shape.ToArray());
        r.MseLossBackward(_positionRecon, _positions, positionSeed, positionReconGrad);
        r.SsnReconstructBackward(final, _positions, _grid.Rows, _grid.Cols, _positionValues, _positionMass, positionReconGrad, assignGrad, accumulate: true);

        var featuresGrad = scratch.Allocate("ssn.features.grad", DType.F32, _features.Shape.ToArray());
        var logitGrad = scratch.Allocate("ssn.logit.grad", DType.F32, final.Shape.ToArray());
        var centresGrad = scratch.Allocate("ssn.centres.grad.a", DType.F32, _centres[0].Shape.ToArray());
        var earlierCentresGrad = scratch.Allocate("ssn.centres.grad.b", DType.F32, _centres[0].Shape.ToArray());
        // The final E-step writes dF; every earlier step adds to it.
        r.SuperpixelAssignBackward(_features, _centres[iterations], _grid, final, assignGrad, logitGrad, featuresGrad, centresGrad, accumulate: false);
        for (var t = iterations - 1; t >= 0; t--)
        {
            // centresGrad holds dL/dc_{t+1}; the M-step turns it into dL/dA_t (written) and adds its part of dL/dF.
            r.SuperpixelCentresBackward(_features, _assign[t], _grid, _centres[t + 1], _mass[t], centresGrad, assignGrad, featuresGrad, accumulate: true);
            // The E-step's accumulate flag covers dC as well as dF, so dL/dc_t goes into a zeroed second buffer.
            r.Fill(earlierCentresGrad, 0f);
            r.SuperpixelAssignBackward(_features, _centres[t], _grid, _assign[t], assignGrad, logitGrad, featuresGrad, earlierCentresGrad, accumulate: true);
            (centresGrad, earlierCentresGrad) = (earlierCentresGrad, centresGrad);
        }
        int b = _features.Dim(0), c = _features.Dim(1);
        var seedGrad = scratch.Allocate("ssn.seed.grad", DType.F32, _features.Shape.ToArray());
        r.AdaptiveAvgPoolBackward(centresGrad.Reshape(b, c, _grid.Rows, _grid.Cols), seedGrad);
        r.Accumulate(featuresGrad, seedGrad);
        return featuresGrad;
    }
}
