# Installs Bunker as a Windows service: bunker.exe (or a release .zip) into Program Files, a
# settings file in ProgramData, and a service that starts at boot and restarts on failure.
# -Uninstall removes them again (the data stays). Run from an elevated PowerShell 5.1 or later.
<#
.SYNOPSIS
  Install or remove the Bunker Windows service.
.EXAMPLE
  .\install.ps1 .\bunker-0.1.0-windows-x64.zip
.EXAMPLE
  .\install.ps1 .\bunker.exe -Volumes 'D:\bunker\data' -Address ':9000'
.EXAMPLE
  .\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
    # bunker.exe, or the release .zip holding it.
    [Parameter(Position = 0)][string]$Path,
    [string]$ServiceName = 'Bunker',
    [string]$InstallDir = (Join-Path $env:ProgramFiles 'Bunker'),
    # Holds bunker.env (settings and root credentials) and, by default, the data.
    [string]$ConfigDir = (Join-Path $env:ProgramData 'Bunker'),
    # BUNKER_VOLUMES for a new bunker.env: directories, or ranges such as D:\disk{1...4}.
    [string]$Volumes = '',
    # --address for a new bunker.env.
    [string]$Address = ':9000',
    [switch]$Uninstall,
    # Install but do not start the service.
    [switch]$NoStart
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Say([string]$Message) { Write-Host "install.ps1: $Message" }
function Fail([string]$Message) { Write-Host "install.ps1: $Message" -ForegroundColor Red; exit 1 }

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
if (-not ([Security.Principal.WindowsPrincipal]$identity).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Fail 'run this from an elevated PowerShell ("Run as administrator")'
}

$Exe = Join-Path $InstallDir 'bunker.exe'
$ConfigFile = Join-Path $ConfigDir 'bunker.env'
$Manifest = Join-Path $ConfigDir 'install-manifest.json'
$ServiceKey = "HKLM:\SYSTEM\CurrentControlSet\Services\$ServiceName"
# A virtual service account: no password, rights only where we grant them.
$Account = "NT SERVICE\$ServiceName"
if (-not $Volumes) { $Volumes = Join-Path $ConfigDir 'data' }

function Invoke-Sc([string[]]$Arguments) {
    $out = & sc.exe @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { Fail "sc.exe $($Arguments -join ' ') failed ($LASTEXITCODE): $out" }
}

function Get-FileSha256([string]$File) { (Get-FileHash -Algorithm SHA256 -LiteralPath $File).Hash }

function Get-NewBinary {
    if (-not $Path) { Fail 'give the path of bunker.exe or of the release .zip (see Get-Help .\install.ps1)' }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) { Fail "'$Path' is not a file" }
    $source = (Resolve-Path -LiteralPath $Path).Path
    if ($source -like '*.zip') {
        $tmp = Join-Path ([IO.Path]::GetTempPath()) ("bunker-" + [Guid]::NewGuid())
        Expand-Archive -LiteralPath $source -DestinationPath $tmp
        $source = Join-Path $tmp 'bunker.exe'
        if (-not (Test-Path -LiteralPath $source)) { Fail "'$Path' holds no bunker.exe" }
    }
    $version = & $source --version 2>&1
    if ($LASTEXITCODE -ne 0) { Fail "'$Path' does not run here: $version" }
    return @{ Path = $source; Version = "$version".Trim() }
}

function New-Password {
    $bytes = New-Object byte[] 24
    [Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($bytes)
    return -join ($bytes | ForEach-Object { $_.ToString('x2') })
}

function Write-Settings {
    if (Test-Path -LiteralPath $ConfigFile) { Say "kept the existing $ConfigFile"; return $null }
    $text = @(
        '# Bunker settings, read by the Bunker service (KEY=value lines; every MINIO_* name works',
        '# too, BUNKER_* wins). After editing: Restart-Service Bunker',
        '',
        '# Drives: directories, or ranges such as D:\disk{1...4}; see "bunker.exe server --help".',
        "BUNKER_VOLUMES=$Volumes",
        '',
        '# Extra flags for "bunker server", e.g. --address :9000 --console-address :9001',
        "BUNKER_OPTS=--address $Address",
        '',
        '# Root credentials (access key at least 3 characters, secret key at least 8). The password',
        '# below was generated at install time: replace both with your own before storing data.',
        'BUNKER_ROOT_USER=bunkeradmin',
        "BUNKER_ROOT_PASSWORD=$(New-Password)"
    ) -join "`r`n"
    # ASCII: no byte-order mark in front of the first key.
    Set-Content -LiteralPath $ConfigFile -Value $text -Encoding ASCII
    Say "wrote $ConfigFile (root password generated; change it there)"
    return (Get-FileSha256 $ConfigFile)
}

function Set-Access([string]$Dir, [string]$Rights) {
    # S-1-5-32-544 = Administrators, S-1-5-18 = SYSTEM (SIDs, since group names are localized).
    $out = & icacls.exe $Dir /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F' "${Account}:(OI)(CI)$Rights" 2>&1
    if ($LASTEXITCODE -ne 0) { Fail "icacls $Dir failed: $out" }
}

function Register-BunkerService {
    $bin = '"' + $Exe + '" server'
    if (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue) {
        Invoke-Sc @('config', $ServiceName, 'binPath=', $bin)
    } else {
        New-Service -Name $ServiceName -BinaryPathName $bin -DisplayName 'Bunker object storage' `
            -Description 'S3-compatible, erasure-coded object storage (Bunker)' -StartupType Automatic | Out-Null
        Say "created the service $ServiceName"
    }
    # Delayed start: after the network is up, as network-online.target does on Linux.
    Invoke-Sc @('config', $ServiceName, 'start=', 'delayed-auto', 'obj=', $Account)
    # Restart after 5 s, 10 s, then 60 s; the failure count resets after a day without one.
    Invoke-Sc @('failure', $ServiceName, 'reset=', '86400', 'actions=', 'restart/5000/restart/10000/restart/60000')
    # Also restart when the process exits with an error code, not only when it crashes.
    Invoke-Sc @('failureflag', $ServiceName, '1')
    # The service reads its settings file, and knows its name for the Service Control Manager.
    New-ItemProperty -Path $ServiceKey -Name 'Environment' -PropertyType MultiString -Force `
        -Value @("BUNKER_CONFIG_ENV_FILE=$ConfigFile", "BUNKER_SERVICE_NAME=$ServiceName") | Out-Null
}

function Install-Bunker {
    $new = Get-NewBinary
    $manifest = @{ service = $ServiceName; exe = $Exe; configFile = $ConfigFile; configSha256 = $null; volumes = @() }
    if (Test-Path -LiteralPath $Manifest) {
        $old = Get-Content -LiteralPath $Manifest -Raw | ConvertFrom-Json
        $manifest.configSha256 = $old.configSha256
        $manifest.volumes = @($old.volumes)
    }
    $service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
    if ($service -and $service.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force; Say "stopped $ServiceName for the upgrade" }

    New-Item -ItemType Directory -Force -Path $InstallDir, $ConfigDir | Out-Null
    Copy-Item -LiteralPath $new.Path -Destination $Exe -Force
    Say "installed $Exe ($($new.Version))"
    $hash = Write-Settings
    if ($hash) { $manifest.configSha256 = $hash }
    Register-BunkerService
    Set-Access $ConfigDir 'M'
    foreach ($v in ($Volumes -split '\s+' | Where-Object { $_ })) {
        if ($v -match '\{|://' -or (Test-Path -LiteralPath $v)) { continue }
        New-Item -ItemType Directory -Force -Path $v | Out-Null
        if (-not $v.StartsWith($ConfigDir, [StringComparison]::OrdinalIgnoreCase)) { Set-Access $v 'M' }
        $manifest.volumes += $v
        Say "created the data directory $v (-Uninstall leaves it in place)"
    }
    $manifest | ConvertTo-Json | Set-Content -LiteralPath $Manifest -Encoding ASCII

    if ($NoStart) { Say "installed; start it with: Start-Service $ServiceName"; return }
    Start-Service -Name $ServiceName
    (Get-Service -Name $ServiceName).WaitForStatus('Running', [TimeSpan]::FromSeconds(60))
    Say "$ServiceName is running. Settings: $ConfigFile; logs: Get-WinEvent or the console of bunker.exe"
}

function Uninstall-Bunker {
    $service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
    if ($service) {
        if ($service.Status -ne 'Stopped') { Stop-Service -Name $ServiceName -Force }
        Invoke-Sc @('delete', $ServiceName)
        Say "removed the service $ServiceName"
    }
    if (Test-Path -LiteralPath $Exe) { Remove-Item -LiteralPath $Exe -Force; Say "removed $Exe" }
    if ((Test-Path -LiteralPath $InstallDir) -and -not (Get-ChildItem -LiteralPath $InstallDir -Force)) { Remove-Item -LiteralPath $InstallDir }
    if (Test-Path -LiteralPath $Manifest) {
        $m = Get-Content -LiteralPath $Manifest -Raw | ConvertFrom-Json
        if ((Test-Path -LiteralPath $ConfigFile) -and $m.configSha256 -and (Get-FileSha256 $ConfigFile) -eq $m.configSha256) {
            Remove-Item -LiteralPath $ConfigFile -Force
            Say "removed $ConfigFile"
        } elseif (Test-Path -LiteralPath $ConfigFile) {
            Say "kept $ConfigFile: it was edited after installation"
        }
        Remove-Item -LiteralPath $Manifest -Force
    }
    Say 'data directories were left as they are'
}

if ($Uninstall) { Uninstall-Bunker } else { Install-Bunker }
