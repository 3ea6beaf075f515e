using System.CommandLine;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Cli.Commands.Train;

/// <summary>`clustseg-cli train`: trains a ClustSeg model for one task and writes checkpoints, a JSONL log and a loss plot.</summary>
internal static class TrainCommand
{
    private static readonly Option<string> Task = new("--task", "-t")
    {
        Description = "superpixel, semantic, instance or panoptic.",
        Required = true,
    };

    private static readonly Option<string> Data = new("--data")
    {
        Description = "The training set as FORMAT:PATH. superpixel: bsds500:PATH (the train split). Mask tasks: synth:ROOT, " +
                      "coco-panoptic:FILE.json, coco-instances:FILE.json or semantic:FOLDER.",
        Required = true,
    };

    private static readonly Option<string> Split = new("--split")
    {
        Description = "Split to train on where the dataset layout has splits (synth, semantic folders).",
        DefaultValueFactory = _ => "train",
    };

    private static readonly Option<string> Model = ModelOptions.Model();

    private static readonly Option<string?> RunDirectory = new("--output", "-o")
    {
        Description = "The run folder: checkpoint.safetensors (every --checkpoint-every steps, with optimizer state), " +
                      "model.safetensors (at the end), train.jsonl (one line per step) and loss.png. Default: runs/TASK.",
    };

    private static readonly Option<int?> Steps = new("--steps")
    {
        Description = "Optimizer steps in the whole run (default: superpixel 2000, mask tasks 3000).",
    };

    private static readonly Option<int?> Batch = new("--batch", "-b")
    {
        Description = "Images per step (default: superpixel 1, mask tasks 4).",
    };

    private static readonly Option<int?> Crop = new("--crop")
    {
        Description = "Training crop size in pixels, square (default: superpixel 200, mask tasks 128; a multiple of 32 for mask tasks; " +
                      "0 for mask tasks: whole images, padded to a multiple of 32).",
    };

    private static readonly Option<float?> Compactness = new("--compactness")
    {
        Description = "Superpixel: eta, the weight of position against colour in the features the EM clusters (default 10). The " +
                      "checkpoint records it, and inference with the checkpoint uses it unless given another --compactness.",
    };

    private static readonly Option<float?> CompactnessLossWeight = new("--compactness-loss-weight")
    {
        Description = "Superpixel: weight of the SSN compactness loss term against the label reconstruction (default 1e-4); " +
                      "larger trains toward more regular superpixels.",
    };

    private static readonly Option<string> Scale = new("--scale")
    {
        Description = "Mask tasks: range of the random rescaling, MIN,MAX (clustseg.md: 0.5,2); 1,1 keeps the data's scale.",
        DefaultValueFactory = _ => "0.5,2",
    };

    private static readonly Option<bool> NoFlip = new("--no-flip")
    {
        Description = "Mask tasks: no random horizontal flips (e.g. to overfit one image as a sanity check).",
    };

    private static readonly Option<double?> CopyPaste = new("--copy-paste")
    {
        Description = "Mask tasks on data with thing instances (COCO, synth): chance that a training sample gets about half the things of " +
                      "another augmented sample pasted onto it, labels included (Simple Copy-Paste; more things per step, new occlusions). " +
                      "Off unless given; the runs in BENCHMARKS.md used 0.5.",
    };

    private static readonly Option<double?> Ema = new("--ema")
    {
        Description = "Keep an exponential moving average of the weights with this decay (e.g. 0.999, about the last 1,000 steps) " +
                      "and write it as the run's model.safetensors; the training checkpoint keeps both. Off unless given.",
    };

    private static readonly Option<double?> LearningRate = new("--lr")
    {
        Description = "Peak learning rate of AdamW after warm-up (default: superpixel 1e-3, mask tasks 1e-4 as clustseg.md sets; raise it for short runs on small data).",
    };

    private static readonly Option<int?> Warmup = new("--warmup")
    {
        Description = "Steps of linear warm-up before the poly decay (default: 5% of --steps, at most 200).",
    };

    private static readonly Option<double> WeightDecay = new("--weight-decay")
    {
        Description = "AdamW decoupled weight decay for weights (biases and norm scales are not decayed).",
        DefaultValueFactory = _ => 0.05,
    };

    private static readonly Option<float> Clip = new("--clip")
    {
        Description = "Gradients are scaled so that their global norm is at most this.",
        DefaultValueFactory = _ => 1f,
    };

    private static readonly Option<int> CheckpointEvery = new("--checkpoint-every")
    {
        Description = "Write the training checkpoint every N steps (atomically; also on Ctrl-C and at the end).",
        DefaultValueFactory = _ => 100,
    };

    private static readonly Option<int> Seed = new("--seed", "-s")
    {
        Description = "Seed of the initial weights, the data order and the augmentation; the same seed gives the same run.",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<bool> Resume = new("--resume")
    {
        Description = "Continue the run in --output exactly where its checkpoint left it (weights, optimizer, step, data order): repeat the command that started it, with or without its --init, plus --resume. --steps and --checkpoint-every may change.",
    };

    private static readonly Option<string?> Init = new("--init")
    {
        Description = "Start from the weights of this checkpoint instead of random ones (fine-tuning); the optimizer starts afresh. " +
                      "Tensors with the same name and shape are taken (so a panoptic model can start an instance one); the rest keep " +
                      "their initial values, and the run lists them.",
    };

    private static readonly Option<int?> EvalEvery = new("--eval-every")
    {
        Description = "Mask tasks: every N steps (a multiple of --checkpoint-every) and at the end, score the model on a validation split " +
                      "with the task's metric (PQ, mask AP or mIoU, as `eval --checkpoint` does), log it to eval.jsonl and keep the best " +
                      "model as best.safetensors. Off unless given.",
    };

    private static readonly Option<string?> EvalData = new("--eval-data")
    {
        Description = "The validation set for --eval-every as FORMAT:PATH (default: --data), with the same classes as the training set.",
    };

    private static readonly Option<string> EvalSplit = new("--eval-split")
    {
        Description = "Split of --eval-data to validate on.",
        DefaultValueFactory = _ => "val",
    };

    private static readonly Option<string> EvalInputScale = new("--eval-input-scale")
    {
        Description = "Test-time scale of the validation, as `eval --input-scale` takes it (semantic models: a list of scales to average).",
        DefaultValueFactory = _ => "1",
    };

    public static Command Create()
    {
        var command = new Command("train",
            "Train a ClustSeg model. Progress shows loss, images/s and ETA; Ctrl-C stops after the current step and writes a\n" +
            "checkpoint; a killed run loses at most the steps since its last checkpoint. Resume with the same command plus --resume.\n" +
            "Examples:\n" +
            "  clustseg-cli train --task superpixel --data bsds500:../shared/data/bsds500 -o runs/sp\n" +
            "  clustseg-cli synth --out synth --images 2000 --size 128\n" +
            "  clustseg-cli train --task panoptic --data synth:synth -o runs/pan --steps 3000 --eval-every 500\n" +
            "  clustseg-cli eval --checkpoint runs/pan/model.safetensors --data synth:synth --split val");
        foreach (var option in new Option[] { Task, Data, Split, Model, RunDirectory, Steps, Batch, Crop, Compactness, CompactnessLossWeight, Scale, NoFlip, CopyPaste, Ema, LearningRate, Warmup, WeightDecay, Clip, CheckpointEvery, EvalEvery, EvalData, EvalSplit, EvalInputScale, Seed, Resume, Init })
            command.Options.Add(option);
        command.SetAction(parse => Run(parse, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(ParseResult parse, TextWriter output, TextWriter error)
    {
        var task = parse.GetValue(Task)!.ToLowerInvariant();
        var superpixel = task == "superpixel";
        if (!superpixel && task is not ("semantic" or "instance" or "panoptic"))
            throw new ClustSegException($"Unknown task '{task}'.", "Use --task superpixel, semantic, instance or panoptic.");
        var steps = parse.GetValue(Steps) ?? (superpixel ? 2000 : 3000);
        var options = new TrainOptions
        {
            Task = task,
            Data = parse.GetValue(Data)! + (parse.GetValue(Split) is "train" ? "" : "@" + parse.GetValue(Split)),
            RunDirectory = parse.GetValue(RunDirectory) ?? Path.Combine("runs", task),
            Model = superpixel ? "clustseg-superpixel" : parse.GetValue(Model)!,
            Steps = Positive(steps, "--steps"),
            BatchSize = Positive(parse.GetValue(Batch) ?? (superpixel ? 1 : 4), "--batch"),
            CropSize = parse.GetValue(Crop) is 0 && !superpixel ? 0 : Positive(parse.GetValue(Crop) ?? (superpixel ? 200 : 128), "--crop"),
            Compactness = SuperpixelSetting(parse.GetValue(Compactness), superpixel, "--compactness"),
            CompactnessLossWeight = SuperpixelSetting(parse.GetValue(CompactnessLossWeight), superpixel, "--compactness-loss-weight"),
            MinScale = ParseScale(parse.GetValue(Scale)!).Min,
            MaxScale = ParseScale(parse.GetValue(Scale)!).Max,
            Flip = !parse.GetValue(NoFlip),
            CopyPaste = CopyPasteSetting(parse.GetValue(CopyPaste), task),
            WeightAverageDecay = parse.GetValue(Ema) is { } decay && !WeightAverage.IsValidDecay(decay)
                ? throw new ClustSegException($"--ema must be a decay above 0 and below 1, got {decay}.", "Give e.g. --ema 0.999 (averages about the last 1,000 steps), or leave it out.")
                : parse.GetValue(Ema),
            LearningRate = parse.GetValue(LearningRate) ?? (superpixel ? 1e-3 : 1e-4),
            WarmupSteps = parse.GetValue(Warmup) ?? Math.Min(200, steps / 20),
            WeightDecay = parse.GetValue(WeightDecay),
            ClipNorm = parse.GetValue(Clip),
            CheckpointEvery = Positive(parse.GetValue(CheckpointEvery), "--checkpoint-every"),
            Seed = parse.GetValue(Seed),
            Resume = parse.GetValue(Resume),
            InitFrom = parse.GetValue(Init),
            EvalEvery = EvalEverySetting(parse.GetValue(EvalEvery), parse.GetValue(CheckpointEvery), superpixel),
            EvalData = parse.GetValue(EvalData),
            EvalSplit = parse.GetValue(EvalSplit)!,
            EvalInputScales = ModelOptions.ParseInputScales(parse.GetValue(EvalInputScale)!),
        };
        if (options.EvalInputScales.Length > 1 && task != "semantic")
            throw new ClustSegException($"--eval-input-scale {parse.GetValue(EvalInputScale)} averages several passes, which only a semantic model allows.",
                "Give one scale, e.g. --eval-input-scale 1.5.");
        if (options.EvalEvery is null && new Option[] { EvalData, EvalSplit, EvalInputScale }.Any(o => parse.GetResult(o) is { Implicit: false }))
            throw new ClustSegException("--eval-data, --eval-split and --eval-input-scale say how --eval-every validates, but --eval-every is not given.",
                "Add --eval-every N (e.g. 500), or drop them.");
        using var device = GlobalOptions.OpenDevice(parse);
        return superpixel
            ? SuperpixelTraining.Run(device, options, parse.GetValue(Data)!, output, error)
            : MaskTraining.Run(device, options, parse.GetValue(Data)!, parse.GetValue(Split)!, output, error);
    }

    private static float? SuperpixelSetting(float? value, bool superpixel, string name)
    {
        if (value is null) return null;
        if (!superpixel)
            throw new ClustSegException($"{name} is a superpixel training setting, but --task is a mask task.", $"Drop {name}, or train --task superpixel.");
        return value is >= 0 && float.IsFinite(value.Value)
            ? value
            : throw new ClustSegException($"{name} must be a number of at least 0, got {value}.", $"Give {name} a number of at least 0 (larger is more compact).");
    }

    private static int? EvalEverySetting(int? every, int checkpointEvery, bool superpixel)
    {
        if (every is null) return null;
        if (superpixel)
            throw new ClustSegException("--eval-every validates mask tasks; superpixel models are scored on BSDS500 by `clustseg-cli eval --checkpoint`.",
                "Drop --eval-every, and evaluate the run's model.safetensors afterwards.");
        Positive(every.Value, "--eval-every");
        // Validating right after a checkpoint keeps --resume exact: no validation is repeated or missed.
        if (checkpointEvery < 1 || every.Value % checkpointEvery != 0)
            throw new ClustSegException($"--eval-every {every} is not a multiple of --checkpoint-every {checkpointEvery}; validation runs right after a checkpoint.",
                $"Use --eval-every {Math.Max(1, (every.Value + checkpointEvery / 2) / checkpointEvery) * checkpointEvery}, or a --checkpoint-every that divides {every}.");
        return every;
    }

    private static double? CopyPasteSetting(double? chance, string task)
    {
        if (chance is null) return null;
        if (task == "superpixel")
            throw new ClustSegException("--copy-paste pastes thing instances, which --task superpixel does not train on.", "Drop --copy-paste, or train a mask task (semantic, instance, panoptic).");
        return CopyPasteAugmentation.IsValidProbability(chance.Value)
            ? chance
            : throw new ClustSegException($"--copy-paste must be a chance above 0 and at most 1, got {chance}.", "Give e.g. --copy-paste 0.5, or leave it out to paste nothing.");
    }

    private static (double Min, double Max) ParseScale(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var min) &&
            double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var max) && min > 0 && max >= min)
            return (min, max);
        throw new ClustSegException($"--scale '{text}' is not a range MIN,MAX of positive numbers with MIN <= MAX.", "Write e.g. --scale 0.5,2 (or 1,1 for none).");
    }

    private static int Positive(int value, string name) => value >= 1
        ? value
        : throw new ClustSegException($"{name} must be at least 1, got {value}.", $"Give {name} a positive number.");
}
