"""The scripts `sigctl completion SHELL` prints. Each asks `sigctl __complete` for the
candidates (sigctl.cli.completion), so they never need regenerating when commands change."""

from __future__ import annotations

BASH = r"""# sigctl completion for bash. Load it in the current shell:
#     source <(sigctl completion bash)
# or for every new shell, add that line to ~/.bashrc.
_sigctl_complete() {
    local IFS=$'\n'
    COMPREPLY=($(sigctl __complete --shell bash --line "${COMP_LINE:0:COMP_POINT}" 2>/dev/null))
}
complete -o default -o nosort -F _sigctl_complete sigctl
"""

ZSH = r"""#compdef sigctl
# sigctl completion for zsh. Load it in the current shell:
#     source <(sigctl completion zsh)
# or for every new shell, add that line to ~/.zshrc (after compinit).
_sigctl() {
    local -a found
    found=("${(@f)$(sigctl __complete --shell zsh -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ -n "${found[1]}" ]]; then
        compadd -- "${found[@]}"
    else
        _files
    fi
}
if (( ! $+functions[compdef] )); then
    autoload -Uz compinit && compinit
fi
compdef _sigctl sigctl
"""

FISH = r"""# sigctl completion for fish. Load it in the current shell:
#     sigctl completion fish | source
# or for every new shell:
#     sigctl completion fish > ~/.config/fish/completions/sigctl.fish
function __sigctl_complete
    set -l words (commandline -opc) (commandline -ct)
    sigctl __complete --shell fish -- $words[2..-1] 2>/dev/null
end
complete -c sigctl -f -a '(__sigctl_complete)'
"""

POWERSHELL = r"""# sigctl completion for PowerShell. Load it in the current session:
#     sigctl completion powershell | Out-String | Invoke-Expression
# or for every new session, add that line to your $PROFILE.
Register-ArgumentCompleter -Native -CommandName sigctl -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $line = $commandAst.ToString()
    $upTo = $cursorPosition - $commandAst.Extent.StartOffset
    if ($upTo -lt $line.Length) { $line = $line.Substring(0, $upTo) }
    $line = $line.PadRight($upTo)
    sigctl __complete --shell powershell --line $line 2>$null | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH, "powershell": POWERSHELL}
