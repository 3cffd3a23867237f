#!/usr/bin/env bash
# Installs, upgrades or removes ecole-ent on a Debian/Ubuntu-family system.
#
#   sudo ./install.sh                 install, or upgrade when already installed
#   sudo ./install.sh --uninstall     remove the program, keep the data and the configuration
#   sudo ./install.sh --purge         remove everything, data included
#   ./install.sh --prefix DIR --no-systemd   the same in a scratch root (how CI tests it)
#
# What goes where (under --prefix, default /):
#   /opt/ecole-ent/ecole-ent            the binary (the previous one is kept as ecole-ent.previous)
#   /usr/local/bin/ecole-ent            a wrapper: runs the binary on this installation's data,
#                                       as the ecole-ent system user (sudo ecole-ent backup)
#   /etc/ecole-ent/ecole-ent.ini        the configuration (written once, never overwritten)
#   /var/lib/ecole-ent                  the data folder (database, media, backups, logs)
#   /etc/systemd/system/ecole-ent.service
set -euo pipefail
umask 022

usage() {
  cat <<'USAGE'
Utilisation : install.sh [--binary FICHIER] [--prefix DOSSIER] [--no-systemd] [--uninstall | --purge]

  --binary FICHIER  le binaire ecole-ent à installer (par défaut : ./ecole-ent à côté de ce script,
                    sinon dist/ecole-ent dans le dépôt)
  --prefix DOSSIER  installe sous DOSSIER au lieu de / (essai, CI) ; aucun utilisateur système n'est créé
  --no-systemd      n'appelle pas systemctl (le fichier d'unité est tout de même écrit)
  --uninstall       retire le programme ; garde les données et la configuration
  --purge           retire tout, données et configuration comprises
Relancer le script sur une installation existante la met à jour.
USAGE
}

die() { echo "install.sh : $*" >&2; exit 1; }
say() { echo "==> $*"; }

here=$(cd "$(dirname "$0")" && pwd)
prefix=/ binary= systemd=1 action=install
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=${2:?--binary attend un fichier}; shift 2 ;;
    --prefix) prefix=${2:?--prefix attend un dossier}; shift 2 ;;
    --no-systemd) systemd=0; shift ;;
    --uninstall) action=uninstall; shift ;;
    --purge) action=purge; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "option inconnue : $1" ;;
  esac
done

root=$(realpath -m "$prefix")
root=${root%/}
opt=$root/opt/ecole-ent
etc=$root/etc/ecole-ent
data=$root/var/lib/ecole-ent
unit=$root/etc/systemd/system/ecole-ent.service
wrapper=$root/usr/local/bin/ecole-ent
user=ecole-ent

# In a scratch root nothing outside it is touched: no system user, files belong to whoever runs this.
if [ -z "$root" ]; then
  [ "$(id -u)" = 0 ] || die "lancez ce script en root (sudo ./install.sh), ou avec --prefix pour un essai"
  scratch=0
else
  scratch=1
fi
[ "$scratch" = 0 ] && [ "$systemd" = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ] \
  || systemd=0

as_service_user() {
  if [ "$scratch" = 1 ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}
run_ecole() { (umask 027; as_service_user "$opt/ecole-ent" --data "$data" --config "$etc/ecole-ent.ini" "$@"); }

find_file() {  # find_file NAME REPO_PATH: next to this script (release archive), else in the repository
  if [ -e "$here/$1" ]; then echo "$here/$1"; elif [ -e "$here/../$2" ]; then echo "$here/../$2"; else
    die "fichier introuvable : $1 (ni à côté de install.sh, ni $2 dans le dépôt)"; fi
}

do_uninstall() {
  if [ "$systemd" = 1 ] && systemctl list-unit-files ecole-ent.service >/dev/null 2>&1; then
    say "Arrêt du service"
    systemctl disable --now ecole-ent.service || true
  fi
  rm -f "$unit" "$wrapper"
  rm -rf "$opt"
  [ "$systemd" = 1 ] && systemctl daemon-reload
  if [ "$action" = purge ]; then
    say "Suppression des données ($data) et de la configuration ($etc)"
    rm -rf "$data" "$etc"
    if [ "$scratch" = 0 ] && id "$user" >/dev/null 2>&1; then userdel "$user" || true; fi
    say "ecole-ent est entièrement retiré."
  else
    say "ecole-ent est retiré. Données gardées dans $data, configuration dans $etc."
    say "Pour tout effacer : install.sh --purge"
  fi
}

write_unit() {  # the unit names the real paths; in a scratch root they are rewritten under it
  sed -e "s|/opt/ecole-ent|$opt|g; s|/etc/ecole-ent|$etc|g; s|/var/lib/ecole-ent|$data|g" \
    "$(find_file ecole-ent.service installer/ecole-ent.service)" >"$unit.tmp"
  if [ "$scratch" = 1 ]; then sed -i '/^User=/d; /^Group=/d' "$unit.tmp"; fi
  mv "$unit.tmp" "$unit"
  chmod 644 "$unit"
}

write_wrapper() {
  cat >"$wrapper.tmp" <<WRAPPER
#!/bin/sh
# Written by ecole-ent's install.sh: runs ecole-ent on this installation's data and configuration.
# Files it creates are private to the service's user and group, like the service's own (UMask).
umask 027
WRAPPER
  if [ "$scratch" = 1 ]; then
    echo "exec \"$opt/ecole-ent\" --data \"$data\" --config \"$etc/ecole-ent.ini\" \"\$@\"" >>"$wrapper.tmp"
  else
    cat >>"$wrapper.tmp" <<WRAPPER
# As root it switches to the $user user, so that files it writes stay readable by the service.
if [ "\$(id -un)" = "$user" ]; then
  exec "$opt/ecole-ent" --data "$data" --config "$etc/ecole-ent.ini" "\$@"
elif [ "\$(id -u)" = 0 ]; then
  exec runuser -u "$user" -- "$opt/ecole-ent" --data "$data" --config "$etc/ecole-ent.ini" "\$@"
else
  echo "ecole-ent : lancez cette commande avec sudo (sudo ecole-ent \$*)" >&2; exit 1
fi
WRAPPER
  fi
  chmod 755 "$wrapper.tmp"
  mv "$wrapper.tmp" "$wrapper"
}

do_install() {
  if [ -z "$binary" ]; then
    if [ -f "$here/ecole-ent" ]; then binary=$here/ecole-ent; else binary=$here/../dist/ecole-ent; fi
  fi
  [ -f "$binary" ] || die "binaire introuvable : $binary (construisez-le : pyinstaller --noconfirm installer/ecole-ent.spec)"
  version=$("$binary" --version) || die "$binary ne démarre pas sur cette machine"
  version=${version%%$'\n'*}      # the first line; the others give the libraries' versions
  example=$(find_file ecole-ent.ini.example provisioning/ecole-ent.ini.example)

  upgrade=0
  [ -x "$opt/ecole-ent" ] && upgrade=1
  if [ "$upgrade" = 1 ]; then say "Mise à jour vers $version"; else say "Installation de $version"; fi

  if [ "$scratch" = 0 ] && ! id "$user" >/dev/null 2>&1; then
    say "Création de l'utilisateur système $user"
    useradd --system --user-group --home-dir "$data" --no-create-home --shell /usr/sbin/nologin \
      --comment "ecole-ent" "$user"
  fi
  mkdir -p "$opt" "$etc" "$data" "$(dirname "$unit")" "$(dirname "$wrapper")"
  chmod 750 "$data"
  if [ "$scratch" = 0 ]; then chown "$user:$user" "$data"; fi

  if [ ! -f "$etc/ecole-ent.ini" ]; then
    say "Configuration écrite : $etc/ecole-ent.ini (à relire)"
    install -m 640 "$example" "$etc/ecole-ent.ini"
    if [ "$scratch" = 0 ]; then chgrp "$user" "$etc/ecole-ent.ini"; fi
  else
    say "Configuration existante gardée : $etc/ecole-ent.ini"
  fi
  # The example of this version stays beside it, to compare after an upgrade.
  install -m 644 "$example" "$etc/ecole-ent.ini.example"

  was_active=0
  if [ "$systemd" = 1 ] && systemctl is-active --quiet ecole-ent.service; then
    say "Arrêt du service pour la mise à jour"
    systemctl stop ecole-ent.service
    was_active=1
  fi
  # Replace the binary atomically; the previous one stays for a rollback.
  install -m 755 "$binary" "$opt/ecole-ent.new"
  [ "$upgrade" = 1 ] && cp -p "$opt/ecole-ent" "$opt/ecole-ent.previous"
  mv "$opt/ecole-ent.new" "$opt/ecole-ent"
  write_wrapper
  write_unit

  # Create or migrate the database now (a backup is taken before any migration), then check.
  if ! run_ecole migrate; then
    if [ "$upgrade" = 1 ]; then
      mv "$opt/ecole-ent.previous" "$opt/ecole-ent"
      [ "$was_active" = 1 ] && systemctl start ecole-ent.service
      die "la migration a échoué ; l'ancienne version est remise en place. Si elle refuse la base, restaurez la sauvegarde prise juste avant (dossier backups/, voir GUIDE.md)"
    fi
    die "la création de la base de données a échoué"
  fi
  run_ecole check || die "ecole-ent check signale un problème (voir ci-dessus) ; corrigez $etc/ecole-ent.ini puis relancez"

  if [ "$systemd" = 1 ]; then
    systemctl daemon-reload
    systemctl enable ecole-ent.service
    systemctl restart ecole-ent.service
    say "Service démarré : systemctl status ecole-ent"
  fi
  say "Terminé. Commande d'administration : $wrapper (par ex. « sudo ecole-ent check »)."
}

case $action in
  install) do_install ;;
  uninstall|purge) do_uninstall ;;
esac
