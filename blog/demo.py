"""Demo posts of the 2018 edition: the launch of the call, the Incubation Lab days, interviews
with promoters, the Social Innovation Camp and the funded projects. Cover and gallery images are
drawn with Pillow (blog.images) and saved into MEDIA_ROOT, then go through what an editor's upload
goes through (blog.services: metadata removed, then the AVIF/WebP copies and the share image made by
the worker after commit). Running it twice changes nothing: each post is looked up by its slug first
(and its images queued again if an older demo left them without copies).

The video addresses are placeholders in the right format (YouTube / Vimeo): replace them with
the programme's real videos.
"""
import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify

from projects.models import LAB_STATUSES, Proposal, ProposalStatus
from tsf.core.dates import ROME

from . import services
from .images import illustration
from .models import Category, GalleryImage, Post, Tag

EDITOR = "editor@example.org"

CATEGORIES = {
    "bando": ("Il bando", "Il bando Torino Social Factory: scadenze, regole, risposte alle domande."),
    "incubation-lab": ("Incubation Lab", "I quattro workshop di incubazione per i 25 team selezionati."),
    "interviste": ("Interviste", "Le voci di chi promuove, accompagna e valuta i progetti."),
    "social-innovation-camp": ("Social Innovation Camp", "La giornata di pitch davanti a mentor ed investitori sociali."),
    "progetti-finanziati": ("Progetti finanziati", "I progetti che hanno ricevuto il contributo e il loro cammino."),
    "eventi": ("Eventi", "Incontri, info day e momenti pubblici del programma."),
}


def _p(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _qa(*pairs):
    return "".join(f"<h2>{q}</h2><p>{a}</p>" for q, a in pairs)


# (date, kind, title, summary, body, categories, tags, extra)
POSTS = [
    ("2018-01-15", "article", "Al via Torino Social Factory: il bando per l'innovazione sociale nei quartieri",
     "La Città di Torino apre il bando che sostiene le idee degli enti del Terzo settore per creare inclusione e lavoro nei quartieri più fragili.",
     _p("La Città di Torino, come organismo intermedio del PON Metro 2014-2020, apre oggi il bando <strong>Torino Social Factory</strong>: "
        "un percorso che accompagna le organizzazioni del Terzo settore dall'idea al progetto, con un laboratorio di incubazione e un contributo fino a 140.000 euro.",
        "Possono partecipare associazioni, cooperative sociali, imprese sociali, fondazioni ed enti di volontariato che vogliono rispondere a bisogni concreti "
        "nelle aree della città con maggiore esclusione socio-economica: povertà urbana, vulnerabilità sociali, disoccupazione, integrazione culturale e coesione sociale.",
        "Le proposte si presentano online fino al 28 febbraio 2018. Le 25 migliori parteciperanno all'Incubation Lab; fino a 12 riceveranno il contributo."),
     ["bando"], ["bando", "PON Metro", "welfare di comunità"], {}),
    ("2018-01-22", "event", "Presentazione pubblica del bando al Campus Einaudi",
     "Oltre duecento persone all'incontro di presentazione: regole del bando, criteri di valutazione e tante domande dal pubblico.",
     _p("Sala piena al Campus Luigi Einaudi per la presentazione del bando. L'assessora all'innovazione ha aperto l'incontro ricordando che "
        "«le idee migliori per i quartieri nascono da chi ci vive e ci lavora ogni giorno».",
        "Gli uffici della Divisione Innovazione e Fondi europei hanno illustrato le fasi del percorso, i documenti da allegare e i criteri di valutazione. "
        "La seconda parte è stata dedicata alle domande: partenariati, spese ammissibili, cofinanziamento."),
     ["eventi", "bando"], ["bando", "incontri pubblici"],
     {"event_date": "2018-01-22", "event_place": "Campus Luigi Einaudi, Lungo Dora Siena 100, Torino"}),
    ("2018-01-30", "article", "Le domande più frequenti sul bando: le prime risposte",
     "Chi può presentare una proposta, quali spese sono ammesse, come si costruisce un partenariato: le risposte alle domande arrivate in questi giorni.",
     _p("Nelle prime due settimane sono arrivate decine di domande. Abbiamo raccolto le più frequenti nella sezione FAQ del bando.",
        "<strong>Un ente può presentare più proposte?</strong> No: ogni ente può essere capofila di una sola proposta, ma può essere partner in altre.",
        "<strong>Le spese di personale sono ammissibili?</strong> Sì, se riferite a persone impegnate direttamente nelle attività del progetto e documentate."),
     ["bando"], ["bando", "FAQ"], {}),
    ("2018-02-05", "video", "Il bando in tre minuti",
     "Un breve video per capire cosa sostiene Torino Social Factory, chi può partecipare e come funziona il percorso.",
     _p("Tre minuti per orientarsi: le fasi del percorso, dal bando all'Incubation Lab, dalla valutazione finale al contributo e all'accelerazione.",
        "Il video è sottotitolato in italiano e in inglese."),
     ["bando"], ["bando", "video"], {"video_url": "https://www.youtube.com/watch?v=TsFbando018"}),
    ("2018-02-12", "event", "Info day nelle circoscrizioni: Barriera di Milano e Falchera",
     "Due pomeriggi di incontro nei quartieri per spiegare il bando a chi lavora ogni giorno con le persone più fragili.",
     _p("Dopo la presentazione in centro, il bando è andato nei quartieri. Nella Casa del Quartiere di Barriera di Milano e nel centro civico di Falchera "
        "abbiamo incontrato associazioni, parrocchie, comitati di genitori e cooperative.",
        "Molte le idee già in cantiere: un emporio dell'usato, una ciclofficina sociale, un doposcuola per ragazze e ragazzi stranieri."),
     ["eventi", "bando"], ["Barriera di Milano", "Falchera", "incontri pubblici"],
     {"event_date": "2018-02-12", "event_place": "Bagni pubblici di via Agliè 9, Barriera di Milano"}),
    ("2018-03-01", "article", "Chiuso il bando: oltre cento proposte dai quartieri",
     "Si è chiusa la fase di presentazione: oltre cento proposte, metà con partenariati tra più enti.",
     _p("Alle 12 del 28 febbraio si è chiusa la presentazione delle proposte. Sono arrivate oltre cento idee da tutte le otto circoscrizioni, "
        "con una concentrazione nelle aree nord della città.",
        "Ora gli uffici verificano l'ammissibilità; poi la commissione di valutazione sceglierà le 25 proposte da ammettere all'Incubation Lab."),
     ["bando"], ["bando", "proposte"], {}),
    ("2018-03-12", "article", "Ecco i 25 progetti ammessi all'Incubation Lab",
     "La commissione ha scelto le 25 proposte che parteciperanno ai quattro workshop di incubazione, da marzo a maggio.",
     _p("Empori solidali, hub di comunità, baby parking accessibili, panetterie artigianali che formano giovani disoccupati, "
        "spazi abbandonati che tornano a vivere: sono le 25 proposte ammesse all'Incubation Lab.",
        "A tutti i partecipanti non ammessi è stata inviata una comunicazione con i motivi della valutazione. "
        "I team ammessi inizieranno il 20 marzo con il primo workshop."),
     ["incubation-lab", "bando"], ["Incubation Lab", "graduatoria"], {}),
    ("2018-03-20", "event", "Primo workshop: identità, visione e missione dell'idea",
     "Venticinque team, una sola domanda di partenza: perché il vostro progetto deve esistere?",
     _p("Il primo workshop dell'Incubation Lab è partito dalle fondamenta: l'identità del progetto, la visione e la missione. "
        "I tutor dell'incubatore hanno guidato i team in esercizi di gruppo e in un primo confronto tra pari.",
        "Compito per casa: una pagina che racconti il progetto a chi non ne sa nulla."),
     ["incubation-lab", "eventi"], ["Incubation Lab", "workshop"],
     {"event_date": "2018-03-20", "event_place": "Toolbox Coworking, via Agostino da Montefeltro 2, Torino"}),
    ("2018-03-22", "gallery", "Le foto del primo workshop",
     "Lavagne, post-it e discussioni: le immagini della prima giornata dell'Incubation Lab.",
     _p("Una giornata intensa, raccontata per immagini."),
     ["incubation-lab"], ["Incubation Lab", "workshop", "foto"],
     {"gallery": ["Il saluto di apertura dei tutor",
                  "Il lavoro sulla missione",
                  "La restituzione in plenaria",
                  "La pausa pranzo"]}),
    ("2018-04-05", "interview", "«Un emporio solidale per Aurora»: intervista a Marco Bianchi",
     "Il capofila di uno dei team incubati racconta come è nata l'idea di un emporio dell'usato che dà lavoro a persone in difficoltà.",
     _qa(("Da dove nasce l'idea?", "Da un magazzino pieno di vestiti donati che non riuscivamo a distribuire. Abbiamo pensato: e se diventasse un negozio vero, "
          "dove chi ha bisogno paga poco e chi lavora impara un mestiere?"),
         ("Cosa vi ha dato finora l'Incubation Lab?", "Il coraggio di fare i conti. Avevamo tante idee e nessun piano economico: ora sappiamo quanto costa aprire, "
          "quanto dobbiamo vendere e quanto tempo ci serve per reggerci sulle nostre gambe."),
         ("E il quartiere?", "Aurora è un quartiere con tanta energia. L'emporio vuole essere anche un luogo d'incontro: un caffè, una bacheca di annunci, uno sportello.")),
     ["interviste", "incubation-lab"], ["intervista", "Aurora", "economia circolare"], {}),
    ("2018-04-10", "event", "Secondo workshop: progettare prodotto, servizio e sistema",
     "Il Product-Service-System design applicato all'innovazione sociale: come si disegna un servizio che funziona per chi lo usa.",
     _p("Nel secondo workshop i team hanno lavorato sul design del servizio: chi sono gli utenti, quali passaggi compiono, dove il servizio si inceppa.",
        "Ogni team ha prodotto una mappa del percorso dell'utente e l'ha messa alla prova con un altro team."),
     ["incubation-lab", "eventi"], ["Incubation Lab", "workshop", "service design"],
     {"event_date": "2018-04-10", "event_place": "Toolbox Coworking, via Agostino da Montefeltro 2, Torino"}),
    ("2018-04-18", "interview", "Aisha Diallo: «Il baby parking accessibile nasce dalle madri del quartiere»",
     "Un servizio di custodia per i bambini a orari flessibili e a prezzi accessibili, pensato con le famiglie di Barriera di Milano.",
     _qa(("Qual è il bisogno a cui rispondete?", "Molte madri del quartiere trovano lavoro a turni, spesso la sera o nel fine settimana. Gli asili sono chiusi, "
          "i nonni sono lontani. Senza qualcuno che tenga i bambini, il lavoro si perde."),
         ("Come funziona il vostro servizio?", "Un baby parking aperto anche la sera, con educatrici qualificate e una tariffa che dipende dal reddito. "
          "Alcune delle educatrici sono mamme del quartiere che abbiamo formato."),
         ("Un consiglio a chi parte?", "Ascoltare prima di progettare. Il nostro progetto è cambiato tre volte dopo aver parlato con le famiglie.")),
     ["interviste", "incubation-lab"], ["intervista", "Barriera di Milano", "famiglie", "welfare di comunità"], {}),
    ("2018-04-26", "gallery", "Hard e soft skills: il terzo workshop in immagini",
     "Giochi di ruolo, simulazioni di colloquio e tanta squadra: le foto del terzo appuntamento.",
     _p("Il terzo workshop ha messo al centro le competenze delle persone: quelle tecniche e quelle relazionali."),
     ["incubation-lab"], ["Incubation Lab", "workshop", "foto", "formazione"],
     {"gallery": ["Il gioco di ruolo sulla negoziazione",
                  "Le competenze del team",
                  "Il confronto tra team"]}),
    ("2018-05-08", "event", "Quarto workshop: validazione e accesso al mercato",
     "Scenario competitivo, marketing e comunicazione: l'ultimo workshop prima della consegna della proposta revisionata.",
     _p("Chi sono i concorrenti? Chi paga il servizio? Come lo racconto? Il quarto workshop ha messo i team davanti al mercato.",
        "Ogni team ha presentato in cinque minuti il proprio modello di business e ha ricevuto i commenti dei tutor e degli altri team."),
     ["incubation-lab", "eventi"], ["Incubation Lab", "workshop", "business model"],
     {"event_date": "2018-05-08", "event_place": "Toolbox Coworking, via Agostino da Montefeltro 2, Torino"}),
    ("2018-05-15", "video", "Il business model canvas spiegato dal tutor Luca Martini",
     "Nove riquadri per descrivere come un progetto crea valore e come si sostiene: la lezione video del tutor.",
     _p("Il business model canvas è stato uno degli strumenti più usati nell'Incubation Lab. In questo video il tutor Luca Martini spiega come compilarlo "
        "con un esempio concreto: un emporio solidale."),
     ["incubation-lab"], ["Incubation Lab", "business model", "video"], {"video_url": "https://vimeo.com/270015018"}),
    ("2018-05-30", "article", "Si chiude l'Incubation Lab: cosa abbiamo imparato",
     "Quattro workshop, venticinque team, centinaia di ore di lavoro: il bilancio del laboratorio di incubazione.",
     _p("L'Incubation Lab si è concluso con una giornata di restituzione. I team hanno raccontato come è cambiata la loro idea: "
        "più chiara nella missione, più solida nei conti, più attenta all'impatto sociale.",
        "Ora la parola passa alle proposte revisionate, da consegnare entro fine giugno."),
     ["incubation-lab"], ["Incubation Lab", "impatto sociale"], {}),
    ("2018-06-15", "article", "Proposte revisionate: la consegna entro il 29 giugno",
     "I 25 team incubati presentano la versione avanzata della proposta: cosa deve contenere e come sarà valutata.",
     _p("La proposta revisionata raccoglie il lavoro dell'Incubation Lab: il modello di business, la catena dell'impatto, il piano economico e il budget dettagliato.",
        "La prima versione resta agli atti: la commissione potrà vedere cosa è cambiato."),
     ["bando", "incubation-lab"], ["bando", "scadenze"], {}),
    ("2018-07-20", "article", "Graduatoria finale: i 12 progetti finanziati",
     "La commissione ha approvato la graduatoria: dodici progetti riceveranno un contributo fino a 140.000 euro per due anni di attività.",
     _p("È stata approvata la graduatoria finale di Torino Social Factory. Dodici progetti riceveranno il contributo e inizieranno a settembre "
        "un anno di accelerazione.",
        "Per i team non finanziati il percorso non finisce: riceveranno una restituzione dettagliata della valutazione e un supporto nella ricerca di altre opportunità."),
     ["progetti-finanziati", "bando"], ["progetti finanziati", "graduatoria"], {}),
    ("2018-07-25", "gallery", "I progetti finanziati si presentano",
     "La giornata in cui i dodici team finanziati si sono presentati alla città.",
     _p("Dodici progetti, dodici storie: la presentazione pubblica in Sala Colonne."),
     ["progetti-finanziati", "eventi"], ["progetti finanziati", "foto"],
     {"gallery": ["La Sala Colonne piena di pubblico",
                  "Il team dell'emporio solidale",
                  "La foto di gruppo"]}),
    ("2018-07-30", "interview", "Pane in Comune: la panetteria che forma giovani senza lavoro",
     "Farine locali, forno a legna e un percorso di formazione per ragazze e ragazzi tra i 18 e i 29 anni: intervista al team.",
     _qa(("Perché una panetteria?", "Perché il pane è un mestiere che si impara lavorando, e perché in quartiere il forno sotto casa aveva chiuso."),
         ("Chi lavora con voi?", "Giovani che hanno lasciato la scuola o che non trovano lavoro da tempo. Sei mesi di formazione in bottega, poi l'inserimento."),
         ("Come vi sosterrete dopo il contributo?", "Con la vendita al banco e le forniture a mense e ristoranti del quartiere. Il piano economico lo abbiamo costruito nel laboratorio.")),
     ["interviste", "progetti-finanziati"], ["intervista", "progetti finanziati", "giovani", "formazione"], {}),
    ("2018-09-10", "article", "Parte l'accelerazione: un anno di supporto ai dodici progetti",
     "Help desk dedicato, supporto alla rendicontazione e il Social Innovation Camp: cosa prevede la fase di accelerazione.",
     _p("Da settembre i dodici progetti finanziati entrano nella fase di accelerazione: per un anno avranno un help desk dedicato, "
        "un supporto nella rendicontazione e l'occasione di presentarsi a investitori sociali nel Social Innovation Camp."),
     ["progetti-finanziati"], ["accelerazione", "progetti finanziati"], {}),
    ("2018-09-24", "interview", "Giulia Rosso, valutatrice: «Abbiamo premiato la prossimità»",
     "Una componente della commissione di valutazione racconta come sono state lette e valutate le proposte.",
     _qa(("Cosa avete cercato nelle proposte?", "La capacità di stare vicino alle persone. I progetti migliori nascevano da relazioni già esistenti nel quartiere."),
         ("E cosa vi ha convinto meno?", "Piani economici troppo ottimisti e partenariati solo sulla carta."),
         ("Il laboratorio ha fatto la differenza?", "Moltissimo. Le proposte revisionate erano più concrete, più misurabili, più oneste sui rischi.")),
     ["interviste"], ["intervista", "valutazione"], {}),
    ("2018-10-12", "article", "Social Innovation Camp: il programma della giornata",
     "Il 26 ottobre i team finanziati presentano i loro progetti a mentor, esperti e investitori sociali.",
     _p("Il Social Innovation Camp è una giornata di lavoro intensa: al mattino i pitch dei dodici team, al pomeriggio i tavoli con i mentor "
        "e gli incontri one-to-one con gli investitori sociali.",
        "L'ingresso è libero fino a esaurimento posti, con registrazione obbligatoria."),
     ["social-innovation-camp"], ["Social Innovation Camp", "investitori sociali"], {}),
    ("2018-10-26", "event", "Social Innovation Camp: pitch davanti a mentor e investitori sociali",
     "Dodici pitch da cinque minuti, trenta mentor, dieci investitori: il racconto della giornata.",
     _p("Una giornata che i team ricorderanno: cinque minuti per raccontare il progetto, dieci per rispondere alle domande.",
        "Al pomeriggio i tavoli di mentoring hanno lavorato su comunicazione, sostenibilità economica e misurazione dell'impatto. "
        "Tre team hanno già un secondo appuntamento con un investitore."),
     ["social-innovation-camp", "eventi"], ["Social Innovation Camp", "pitch", "investitori sociali"],
     {"event_date": "2018-10-26", "event_place": "OGR – Officine Grandi Riparazioni, corso Castelfidardo 22, Torino"}),
    ("2018-10-27", "gallery", "Social Innovation Camp: la galleria fotografica",
     "I pitch, i tavoli con i mentor, gli incontri con gli investitori: la giornata in immagini.",
     _p("Le foto della giornata alle OGR."),
     ["social-innovation-camp"], ["Social Innovation Camp", "foto"],
     {"gallery": ["Il primo pitch della mattina",
                  "Il pubblico del Camp",
                  "I tavoli di mentoring",
                  "Un incontro con un investitore",
                  "La chiusura della giornata"]}),
    ("2018-10-30", "video", "Social Innovation Camp: il video della giornata",
     "Due minuti per rivivere il Social Innovation Camp, con le voci dei team e dei mentor.",
     _p("Il video racconta la giornata del 26 ottobre alle OGR: i pitch, i tavoli di mentoring, gli incontri con gli investitori."),
     ["social-innovation-camp"], ["Social Innovation Camp", "video"], {"video_url": "https://youtu.be/TsFcamp2018"}),
    ("2018-11-15", "interview", "Elena Greco, mentor: «Dall'idea all'impresa sociale sostenibile»",
     "Una mentor del Social Innovation Camp parla di cosa serve perché un progetto sociale duri nel tempo.",
     _qa(("Cosa l'ha colpita dei team?", "La concretezza. Nessuno prometteva di cambiare il mondo: volevano cambiare una via, un cortile, una scuola."),
         ("Il consiglio che ha dato più spesso?", "Misurate quello che fate. I dati sull'impatto sono la lingua che parlano finanziatori e amministrazioni."),
         ("E adesso?", "Continuerò a seguire due team come mentor per tutto l'anno di accelerazione.")),
     ["interviste", "social-innovation-camp"], ["intervista", "mentoring", "impresa sociale"], {}),
    ("2018-12-10", "article", "Non finanziati ma non soli: nuove opportunità per i team",
     "Per i team non finanziati una restituzione della valutazione e una mappa di bandi e fondazioni a cui candidarsi.",
     _p("Tredici team hanno concluso l'Incubation Lab senza ricevere il contributo. Per loro abbiamo preparato una restituzione dettagliata: "
        "i punti deboli della proposta e come migliorarla.",
        "Abbiamo anche raccolto le opportunità di finanziamento aperte nei prossimi mesi: bandi di fondazioni bancarie, fondi europei, crowdfunding civico."),
     ["bando"], ["opportunità di finanziamento", "accompagnamento"], {}),
    ("2018-12-18", "article", "Un anno di Torino Social Factory: i numeri e le storie",
     "Un bando, oltre cento proposte, venticinque team incubati, dodici progetti finanziati: il primo anno del programma.",
     _p("Il 2018 si chiude con dodici progetti al lavoro nei quartieri e una comunità di innovatori sociali che prima non esisteva.",
        "Grazie a chi ha partecipato, a chi ha valutato, a chi ha accompagnato i team. Nel 2019 racconteremo i progetti sul campo."),
     ["progetti-finanziati"], ["bilancio", "progetti finanziati"], {}),
]

DRAFTS = [
    ("article", "Guida alla rendicontazione delle spese",
     "Come documentare le spese del progetto: giustificativi, tempi, errori da evitare.",
     _p("Bozza in preparazione con gli uffici della rendicontazione."),
     ["progetti-finanziati"], ["rendicontazione"]),
    ("interview", "Intervista all'hub di comunità di Falchera",
     "Uno spazio abbandonato diventato casa del quartiere: la storia di un progetto finanziato.",
     _qa(("Domanda da definire", "Risposta in attesa dell'incontro con il team.")),
     ["interviste", "progetti-finanziati"], ["intervista", "Falchera"]),
]

SCHEDULED = ("article", "Torino Social Factory: verso la nuova edizione",
             "Cosa abbiamo imparato dalla prima edizione e cosa cambierà nel prossimo bando.",
             _p("Un'anticipazione della nuova edizione del programma."), ["bando"], ["bando", "nuova edizione"])


def _categories():
    out = {}
    for slug, (name, description) in CATEGORIES.items():
        out[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
    return out


def _tags(names):
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag)
    return tags


def _create(*, seed, kind, title, summary, body, categories, tag_names, status, publish_at, author, extra):
    slug = slugify(title)[:200]
    post = Post.objects.filter(slug=slug).first()
    if post is not None:
        if services.images_pending(post):  # a demo seeded before its images were processed
            services.queue_post_images(post)
        return post, False
    event_date = extra.get("event_date")
    post = Post(
        kind=kind, title=title, slug=slug, summary=summary, body=body, author=author, status=status,
        publish_at=publish_at, video_url=extra.get("video_url", ""),
        event_date=datetime.date.fromisoformat(event_date) if event_date else None,
        event_place=extra.get("event_place", ""),
        cover_alt=f"Illustrazione con il titolo «{title}»",
    )
    kind_label = str(dict(Post.Kind.choices)[kind])
    post.cover_image.save(f"{slug[:60]}.png", ContentFile(illustration(title, kind_label, seed=seed)), save=False)
    post.save()
    post.categories.set(categories)
    post.tags.set(_tags(tag_names))
    received = [post]
    for n, caption in enumerate(extra.get("gallery", []), start=1):
        # The images are drawn illustrations, so the alternative text says what they show.
        image = GalleryImage(post=post, caption=caption, alt=f"Illustrazione con la scritta «{caption}»", order=n)
        image.image.save(f"{slug[:40]}-{n}.png", ContentFile(illustration(caption, title[:60], seed=seed + n, size=(1024, 683))),
                         save=False)
        image.save()
        received.append(image)
    # As an editor's upload: metadata removed now, the AVIF/WebP copies and the share image made by the
    # worker once the seed commits (at once, on commit, where tasks run eagerly: `make run` without Redis).
    for obj in received:
        services.take_in(obj)
    services.queue_post_images(post)
    return post, True


def seed(ctx):
    author = ctx.users.get(EDITOR)
    if author is None:
        from tsf.accounts.demo import ensure_person

        author, _ = ensure_person(EDITOR, "Davide Gallo", ["editor"])
    cats = _categories()
    created = 0
    posts = []
    for i, (day, kind, title, summary, body, cat_slugs, tag_names, extra) in enumerate(POSTS):
        when = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(10, 0), tzinfo=ROME)
        post, new = _create(seed=i, kind=kind, title=title, summary=summary, body=body,
                            categories=[cats[c] for c in cat_slugs], tag_names=tag_names,
                            status=Post.Status.PUBLISHED, publish_at=when, author=author, extra=extra)
        created += new
        posts.append(post)
    for j, (kind, title, summary, body, cat_slugs, tag_names) in enumerate(DRAFTS):
        _post, new = _create(seed=100 + j, kind=kind, title=title, summary=summary, body=body,
                             categories=[cats[c] for c in cat_slugs], tag_names=tag_names,
                             status=Post.Status.DRAFT, publish_at=None, author=author, extra={})
        created += new
    kind, title, summary, body, cat_slugs, tag_names = SCHEDULED
    later = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=30)
    _post, new = _create(seed=200, kind=kind, title=title, summary=summary, body=body,
                         categories=[cats[c] for c in cat_slugs], tag_names=tag_names,
                         status=Post.Status.PUBLISHED, publish_at=later, author=author, extra={})
    created += new
    ctx.data["blog_posts"] = posts
    _relate_projects(posts)
    if getattr(ctx, "stdout", None) is not None:
        ctx.stdout.write(f"    blog: {created} posts created, {Post.objects.count()} in all")


# Posts about projects: (words in the post title, which projects) -> shown on the projects' public pages.
PROJECT_LINKS = [
    ("Ecco i 25 progetti ammessi", {"status": "lab"}),
    ("emporio solidale per Aurora", {"title": "RiVesti"}),
    ("baby parking accessibile", {"title": "Baby parking accessibile a Barriera"}),
    ("Graduatoria finale", {"status": "funded"}),
    ("I progetti finanziati si presentano", {"status": "funded"}),
    ("Pane in Comune", {"title": "Il forno di Mirafiori"}),
    ("Parte l'accelerazione", {"status": "funded"}),
    ("Social Innovation Camp: pitch", {"status": "funded"}),
    ("Non finanziati ma non soli", {"status": "not_funded"}),
]


def _relate_projects(posts):
    """Relate some posts to the 2018 projects (blog reads projects). Adding twice changes nothing."""
    lab = list(Proposal.objects.filter(call__slug="torino-social-factory-2018", status__in=LAB_STATUSES)
               .prefetch_related("versions"))
    if not lab:
        return
    for words, which in PROJECT_LINKS:
        post = next((p for p in posts if words.lower() in p.title.lower()), None)
        if post is None:
            continue
        if "title" in which:
            targets = [p for p in lab if which["title"].lower() in p.title.lower()]
        elif which["status"] == "lab":
            targets = lab
        else:
            targets = [p for p in lab if p.status == ProposalStatus(which["status"])]
        if targets:
            post.related_projects.add(*targets)
