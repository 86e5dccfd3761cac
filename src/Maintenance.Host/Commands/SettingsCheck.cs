using Spectre.Console;

namespace Maintenance.Host.Commands;

/// <summary>Option parsers throw ArgumentException with the message an operator reads; this turns that into Spectre's verdict.</summary>
public static class SettingsCheck
{
    public static ValidationResult Of(Action check)
    {
        try
        {
            check();
            return ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }

    public static void Ordered((DateOnly From, DateOnly To) range)
    {
        if (range.From > range.To)
        {
            throw new ArgumentException($"--from {range.From:yyyy-MM-dd} must not be after --to {range.To:yyyy-MM-dd}.");
        }
    }
}
