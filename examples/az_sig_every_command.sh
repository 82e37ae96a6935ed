#!/usr/bin/env bash
# A CI check that runs every `az sig` command at least once, each checked by its exit code or
# by what `--query` finds: galleries, sharing (direct and community, with the consumers'
# views), managed identity, image definitions and versions (soft delete too), VM applications
# and in-VM access control profiles, from creation to deletion. Any failure stops it with a
# non-zero exit.
# Written for az: set AZ=az to run it against real Azure, with SOURCE_IMAGE naming a managed
# image (Linux, Generalized) in $RG and PACKAGES a blob container the galleries can read.
# sigctl-only steps say so.
set -euo pipefail
AZ=${AZ:-sigctl}
RG=${RG:-every-command-rg}
LOCATION=${LOCATION:-eastus2}
PRIVATE=${PRIVATE:-CiPrivate}     # soft delete, identity, applications, access control
SHARED=${SHARED:-CiShared}        # shared directly with a subscription
COMMUNITY=${COMMUNITY:-CiPublic}  # shared with the community
PACKAGES=${PACKAGES:-https://contoso.blob.core.windows.net/packages}

fail() {
  echo "FAILED: $*" >&2
  exit 1
}
expect() { # expect WANT COMMAND...: the command succeeds and prints WANT
  local want=$1 got
  shift
  got=$("$@") || fail "$* (exit $?)"
  [[ $got == "$want" ]] || fail "$*: printed '$got', expected '$want'"
}
refused() { # refused COMMAND...: the command must fail
  if "$@" >/dev/null 2>&1; then fail "$* should have been refused"; fi
}

if [[ $AZ == sigctl ]]; then
  # sigctl-only: a throw-away state unless SIGCTL_HOME names one; replication without delay.
  if [[ -z ${SIGCTL_HOME:-} ]]; then
    SIGCTL_HOME=$(mktemp -d)
    export SIGCTL_HOME
    trap 'rm -rf "$SIGCTL_HOME"' EXIT
  fi
  export SIGCTL_REPLICATION_SPEED=instant
fi

$AZ group create -n "$RG" -l "$LOCATION" -o none
SUBSCRIPTION=$($AZ account show --query id -o tsv)
if [[ $AZ == sigctl ]]; then
  # sigctl-only: the build output the image versions are made from.
  SOURCE_IMAGE=$(sigctl source create managed-image -g "$RG" -n ci-build --os-type linux \
    --query id -o tsv)
fi
: "${SOURCE_IMAGE:?set SOURCE_IMAGE to a managed image id}"

# -- galleries -----------------------------------------------------------------------------
$AZ sig create -g "$RG" -r "$PRIVATE" --soft-delete true --no-wait
$AZ sig wait -g "$RG" -r "$PRIVATE" --created
expect Succeeded $AZ sig show -g "$RG" -r "$PRIVATE" --query provisioningState -o tsv
expect "CI gallery" $AZ sig update -g "$RG" -r "$PRIVATE" --set "description=CI gallery" \
  --query description -o tsv
expect "$PRIVATE" $AZ sig list -g "$RG" --query "[?name=='$PRIVATE'].name" -o tsv

# -- the gallery's managed identity ---------------------------------------------------------
expect SystemAssigned $AZ sig identity assign -g "$RG" -r "$PRIVATE" --system-assigned \
  --query type -o tsv
$AZ sig identity wait -g "$RG" -r "$PRIVATE" --custom "identity.type=='SystemAssigned'"
test -n "$($AZ sig identity show -g "$RG" -r "$PRIVATE" --query principalId -o tsv)"
$AZ sig identity remove -g "$RG" -r "$PRIVATE" --system-assigned -o none
refused $AZ sig identity show -g "$RG" -r "$PRIVATE"

# -- image definitions ----------------------------------------------------------------------
DEFINITION=(-g "$RG" -r "$PRIVATE" -i ubuntu)
$AZ sig image-definition create "${DEFINITION[@]}" -p Contoso -f Ubuntu -s 24_04 \
  --os-type Linux --only-show-errors -o none
$AZ sig image-definition wait "${DEFINITION[@]}" --created
expect V2 $AZ sig image-definition show "${DEFINITION[@]}" --query hyperVGeneration -o tsv
expect "Ubuntu for CI" $AZ sig image-definition update "${DEFINITION[@]}" \
  --set "description=Ubuntu for CI" --query description -o tsv
expect ubuntu $AZ sig image-definition list -g "$RG" -r "$PRIVATE" --query "[].name" -o tsv

# -- image versions, and soft delete ----------------------------------------------------------
VERSIONS=("${DEFINITION[@]}" --managed-image "$SOURCE_IMAGE" --only-show-errors -o none)
$AZ sig image-version create "${VERSIONS[@]}" -e 1.0.0
$AZ sig image-version create "${VERSIONS[@]}" -e 1.1.0 --no-wait
$AZ sig image-version wait "${DEFINITION[@]}" -e 1.1.0 --created
expect Succeeded $AZ sig image-version show "${DEFINITION[@]}" -e 1.1.0 \
  --query provisioningState -o tsv
expect true $AZ sig image-version update "${DEFINITION[@]}" -e 1.1.0 \
  --set publishingProfile.excludeFromLatest=true --only-show-errors \
  --query publishingProfile.excludeFromLatest -o tsv
expect "1.0.0 1.1.0" $AZ sig image-version list "${DEFINITION[@]}" --query "join(' ', [].name)" -o tsv
$AZ sig image-version delete "${DEFINITION[@]}" -e 1.1.0
expect 1.1.0 $AZ sig image-version list-soft-deleted "${DEFINITION[@]}" --query "[].name" -o tsv
expect 1.1.0 $AZ sig image-version undelete "${DEFINITION[@]}" -e 1.1.0 --query name -o tsv
expect "1.0.0 1.1.0" $AZ sig image-version list "${DEFINITION[@]}" --query "join(' ', [].name)" -o tsv

# -- VM applications ------------------------------------------------------------------------
APP=(-g "$RG" -r "$PRIVATE" -n ci-agent)
$AZ sig gallery-application create "${APP[@]}" --os-type Linux --no-wait
$AZ sig gallery-application wait "${APP[@]}" --created
expect Linux $AZ sig gallery-application show "${APP[@]}" --query supportedOSType -o tsv
expect "CI agent" $AZ sig gallery-application update "${APP[@]}" --description "CI agent" \
  --query description -o tsv
expect ci-agent $AZ sig gallery-application list -g "$RG" -r "$PRIVATE" --query "[].name" -o tsv
APP_VERSION=(-g "$RG" -r "$PRIVATE" --application-name ci-agent -n 1.0.0)
PACKAGE="$PACKAGES/ci-agent-1.0.0.tar.gz"
$AZ sig gallery-application version create "${APP_VERSION[@]}" --package-file-link "$PACKAGE" \
  --install-command "./install.sh" --remove-command "./remove.sh" --no-wait
$AZ sig gallery-application version wait "${APP_VERSION[@]}" --created
expect "$PACKAGE" $AZ sig gallery-application version show "${APP_VERSION[@]}" \
  --query publishingProfile.source.mediaLink -o tsv
expect true $AZ sig gallery-application version update "${APP_VERSION[@]}" \
  --package-file-link "$PACKAGE" --exclude-from true \
  --query publishingProfile.excludeFromLatest -o tsv
expect 1.0.0 $AZ sig gallery-application version list -g "$RG" -r "$PRIVATE" \
  --application-name ci-agent --query "[].name" -o tsv

# -- in-VM access control profiles ------------------------------------------------------------
PROFILE=(-g "$RG" --gallery-name "$PRIVATE" -n ci-wireserver)
$AZ sig in-vm-access-control-profile create "${PROFILE[@]}" --os-type Linux \
  --applicable-host-endpoint WireServer --no-wait
$AZ sig in-vm-access-control-profile wait "${PROFILE[@]}" --created
expect WireServer $AZ sig in-vm-access-control-profile show "${PROFILE[@]}" \
  --query properties.applicableHostEndpoint -o tsv
expect "CI profile" $AZ sig in-vm-access-control-profile update "${PROFILE[@]}" \
  --description "CI profile" --query properties.description -o tsv
expect ci-wireserver $AZ sig in-vm-access-control-profile list -g "$RG" --gallery-name "$PRIVATE" \
  --query "[].name" -o tsv
PROFILE_VERSION=(-g "$RG" --gallery-name "$PRIVATE" --profile-name ci-wireserver
  --profile-version 1.0.0)
$AZ sig in-vm-access-control-profile-version create "${PROFILE_VERSION[@]}" --mode Audit \
  --default-access Allow --no-wait
$AZ sig in-vm-access-control-profile-version wait "${PROFILE_VERSION[@]}" --created
expect Audit $AZ sig in-vm-access-control-profile-version show "${PROFILE_VERSION[@]}" \
  --query mode -o tsv
expect Enforce $AZ sig in-vm-access-control-profile-version update "${PROFILE_VERSION[@]}" \
  --mode Enforce --query mode -o tsv
expect 1.0.0 $AZ sig in-vm-access-control-profile-version list -g "$RG" \
  --gallery-name "$PRIVATE" --profile-name ci-wireserver --query "[].name" -o tsv

# -- direct sharing, and what the consumer sees -------------------------------------------------
$AZ sig create -g "$RG" -r "$SHARED" --permissions Groups -o none
$AZ sig image-definition create -g "$RG" -r "$SHARED" -i ubuntu -p Contoso -f UbuntuShared \
  -s 24_04 --os-type Linux --only-show-errors -o none
$AZ sig image-version create -g "$RG" -r "$SHARED" -i ubuntu -e 1.0.0 \
  --managed-image "$SOURCE_IMAGE" --only-show-errors -o none
$AZ sig share add -g "$RG" -r "$SHARED" --subscription-ids "$SUBSCRIPTION" -o none
$AZ sig share wait -g "$RG" -r "$SHARED" --updated
UNIQUE=$($AZ sig show -g "$RG" -r "$SHARED" --query identifier.uniqueName -o tsv)
VIEW=(--gallery-unique-name "$UNIQUE" -l "$LOCATION")
expect "$UNIQUE" $AZ sig list-shared -l "$LOCATION" --query "[?name=='$UNIQUE'].name" -o tsv
expect "$UNIQUE" $AZ sig show-shared "${VIEW[@]}" --query name -o tsv
expect ubuntu $AZ sig image-definition list-shared "${VIEW[@]}" --query "[].name" -o tsv
expect Linux $AZ sig image-definition show-shared "${VIEW[@]}" -i ubuntu --query osType -o tsv
expect 1.0.0 $AZ sig image-version list-shared "${VIEW[@]}" -i ubuntu --query "[].name" -o tsv
expect 1.0.0 $AZ sig image-version show-shared "${VIEW[@]}" -i ubuntu -e 1.0.0 --query name -o tsv
$AZ sig share remove -g "$RG" -r "$SHARED" --subscription-ids "$SUBSCRIPTION" -o none
expect "" $AZ sig list-shared -l "$LOCATION" --query "[?name=='$UNIQUE'].name" -o tsv
$AZ sig share reset -g "$RG" -r "$SHARED" -o none
expect Private $AZ sig show -g "$RG" -r "$SHARED" --query sharingProfile.permissions -o tsv

# -- community sharing ------------------------------------------------------------------------
$AZ sig create -g "$RG" -r "$COMMUNITY" --permissions Community \
  --publisher-uri https://contoso.com --publisher-email ci@contoso.com \
  --eula https://contoso.com/eula --public-name-prefix ci-contoso -o none
$AZ sig image-definition create -g "$RG" -r "$COMMUNITY" -i ubuntu -p Contoso -f UbuntuPublic \
  -s 24_04 --os-type Linux --only-show-errors -o none
$AZ sig image-version create -g "$RG" -r "$COMMUNITY" -i ubuntu -e 1.0.0 \
  --managed-image "$SOURCE_IMAGE" --only-show-errors -o none
$AZ sig share enable-community -g "$RG" -r "$COMMUNITY" -o none
PUBLIC=$($AZ sig show -g "$RG" -r "$COMMUNITY" \
  --query "sharingProfile.communityGalleryInfo.publicNames[0]" -o tsv)
PUBLIC_VIEW=(--public-gallery-name "$PUBLIC" -l "$LOCATION")
expect "$PUBLIC" $AZ sig list-community -l "$LOCATION" --query "[?name=='$PUBLIC'].name" -o tsv
expect "$PUBLIC" $AZ sig show-community "${PUBLIC_VIEW[@]}" --query name -o tsv
expect ubuntu $AZ sig image-definition list-community "${PUBLIC_VIEW[@]}" --query "[].name" -o tsv
expect Linux $AZ sig image-definition show-community "${PUBLIC_VIEW[@]}" -i ubuntu \
  --query osType -o tsv
expect 1.0.0 $AZ sig image-version list-community "${PUBLIC_VIEW[@]}" -i ubuntu \
  --query "[].name" -o tsv
expect 1.0.0 $AZ sig image-version show-community "${PUBLIC_VIEW[@]}" -i ubuntu -e 1.0.0 \
  --query name -o tsv
$AZ sig share reset -g "$RG" -r "$COMMUNITY" -o none
refused $AZ sig show-community "${PUBLIC_VIEW[@]}"

# -- teardown: children first; a gallery that still holds them is refused ----------------------
refused $AZ sig delete -g "$RG" -r "$SHARED"
for gallery in "$SHARED" "$COMMUNITY"; do
  $AZ sig image-version delete -g "$RG" -r "$gallery" -i ubuntu -e 1.0.0
  $AZ sig image-definition delete -g "$RG" -r "$gallery" -i ubuntu
  $AZ sig delete -g "$RG" -r "$gallery"
done
$AZ sig in-vm-access-control-profile-version delete "${PROFILE_VERSION[@]}" --yes
$AZ sig in-vm-access-control-profile delete "${PROFILE[@]}" --yes --no-wait
$AZ sig in-vm-access-control-profile wait "${PROFILE[@]}" --deleted
$AZ sig gallery-application version delete "${APP_VERSION[@]}" --yes
$AZ sig gallery-application delete "${APP[@]}" --yes
for version in 1.0.0 1.1.0; do
  $AZ sig image-version delete "${DEFINITION[@]}" -e "$version" --bypass-soft-delete
done
$AZ sig image-definition delete "${DEFINITION[@]}" --no-wait
$AZ sig image-definition wait "${DEFINITION[@]}" --deleted
$AZ sig delete -g "$RG" -r "$PRIVATE" --no-wait
$AZ sig wait -g "$RG" -r "$PRIVATE" --deleted
expect "" $AZ sig list -g "$RG" --query "[].name" -o tsv
echo "every az sig command ran and did what it should"
