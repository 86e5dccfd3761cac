namespace Maintenance.Tasks.Common;

/// <summary>What a task's work produced: its figures and its own verdict on them.</summary>
public sealed record StepResult(bool Skipped, StepValidation Validation, IReadOnlyDictionary<string, double> Metrics)
{
    public static StepResult Done(StepValidation validation, IReadOnlyDictionary<string, double> metrics) => new(false, validation, metrics);

    public static StepResult AlreadyDone(string verdict, IReadOnlyDictionary<string, double> metrics) => new(true, new StepValidation(true, verdict), metrics);
}

/// <summary>
/// The input of a task is unusable (a missing or empty day file, a malformed date, a provider refusing the
/// request). Retrying cannot help, so the step fails at once with this message.
/// </summary>
public sealed class StepInputException : Exception
{
    public StepInputException(string message)
        : base(message)
    {
    }

    public StepInputException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StepInputException()
    {
    }
}
