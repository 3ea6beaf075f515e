using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Recording;
using ClustSeg.Runtime.Tensors;
using ClustSeg.Runtime.Training;
using ClustSeg.Runtime.Vulkan;

namespace ClustSeg.Tests.Training;

/// <summary>A batch of the regression problem: inputs [Rows, In] and targets [Rows, Out].</summary>
internal sealed record RegressionBatch(float[] Inputs, float[] Targets);

/// <summary>
/// A small linear regression trained through the real loop: a <see cref="Linear"/> layer fitted to a fixed linear
/// map with the MSE kernel. Small enough for lavapipe, real enough that resuming, logging and NaN handling are
/// exercised on device state.
/// </summary>
internal sealed class RegressionObjective(int inFeatures, int outFeatures) : ITrainingObjective<RegressionBatch>
{
    private readonly Linear _layer = new(inFeatures, outFeatures, bias: true);

    public Module Model => _layer;

    public IReadOnlyDictionary<string, string> CheckpointMetadata { get; } = new Dictionary<string, string> { ["model"] = "regression-test" };

    public TrainingStepRecording RecordStep(GpuDevice device, CommandRecorder recorder, RegressionBatch batch)
    {
        var context = TrainingStep.TrainingContext(device, recorder);
        var rows = batch.Inputs.Length / inFeatures;
        var x = device.Scratch.Allocate("x", DType.F32, rows, inFeatures);
        var target = device.Scratch.Allocate("target", DType.F32, rows, outFeatures);
        device.Upload<float>(x, batch.Inputs);
        device.Upload<float>(target, batch.Targets);
        var y = _layer.Forward(context, x);
        var loss = device.Scratch.Allocate("loss", DType.F32, 1);
        recorder.MseLoss(y, target, loss);
        var dy = device.Scratch.Allocate("dy", DType.F32, rows, outFeatures);
        recorder.MseLossBackward(y, target, TrainingStep.SeedGradient(context, loss, 1f), dy);
        _layer.Backward(context, dy);
        return new TrainingStepRecording(recorder, [new LossTerm("mse", loss, 1f)]);
    }
}

/// <summary>Batches of the regression problem, each drawn from the cursor's position so a rebuilt source repeats them.</summary>
internal sealed class RegressionSource(TrainingDataCursor start, int inFeatures, int outFeatures, int rows, int poisonStep = 0)
    : ITrainingBatchSource<RegressionBatch>
{
    private const int Samples = 16;
    private int _taken;

    public TrainingDataCursor Cursor { get; private set; } = start;

    public int SamplesPerEpoch => Samples;

    public RegressionBatch Next()
    {
        var (items, next) = new TrainingDataOrder(Samples, Cursor.Seed).Take(Cursor, 1);
        Cursor = next;
        _taken++;
        var random = new Random((int)items[0].AugmentationSeed);
        var inputs = new float[rows * inFeatures];
        var targets = new float[rows * outFeatures];
        for (var r = 0; r < rows; r++)
        {
            for (var i = 0; i < inFeatures; i++) inputs[r * inFeatures + i] = (float)(random.NextDouble() * 2 - 1);
            for (var o = 0; o < outFeatures; o++)
            {
                double sum = 0.5 * o;
                for (var i = 0; i < inFeatures; i++) sum += inputs[r * inFeatures + i] * Math.Sin(1 + o * inFeatures + i);
                targets[r * outFeatures + o] = (float)sum;
            }
        }
        if (_taken == poisonStep) inputs[0] = float.NaN;
        return new RegressionBatch(inputs, targets);
    }
}

/// <summary>A regression model, its optimizer and a loop writing to a run folder, as the training tests build them.</summary>
internal sealed record RegressionRun(RegressionObjective Objective, AdamWOptimizer Optimizer, WeightAverage? Average, TrainingLoop<RegressionBatch> Loop)
{
    public const int In = 5, Out = 3, Rows = 8;

    /// <summary>A run of <paramref name="steps"/> in <paramref name="runDirectory"/>, weights from seed 3; with <paramref name="averageDecay"/>, a weight average.</summary>
    public static RegressionRun Build(GpuDevice device, string runDirectory, int steps, int checkpointEvery = 4, double? averageDecay = null)
    {
        var objective = new RegressionObjective(In, Out);
        ModuleState.Initialize(objective.Model, device, seed: 3);
        var optimizer = new AdamWOptimizer(device, objective.Model, new AdamWSettings(0.05, WeightDecay: 0.01), maxGradientNorm: 10f);
        var average = averageDecay is { } decay ? new WeightAverage(device, objective.Model, decay) : null;
        var options = new TrainingLoopOptions
        {
            Schedule = new LearningRateSchedule(0.05, WarmupSteps: 2, TotalSteps: steps),
            RunDirectory = runDirectory,
            CheckpointEvery = checkpointEvery,
            ImagesPerStep = Rows,
            Settings = new Dictionary<string, string> { ["task"] = "regression" },
        };
        return new RegressionRun(objective, optimizer, average, new TrainingLoop<RegressionBatch>(device, objective, optimizer, options, average));
    }

    /// <summary>The state of a run that has not started.</summary>
    public static TrainingState Fresh() => new(0, new TrainingDataCursor(7), 0, new Dictionary<string, string>());

    /// <summary>Batches from <paramref name="cursor"/> on.</summary>
    public static RegressionSource Source(TrainingDataCursor cursor, int poisonStep = 0) => new(cursor, In, Out, Rows, poisonStep);
}
